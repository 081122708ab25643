"""Several Rasa servers behind a load balancer: `make cluster` (`python -m bot.cluster`).

`cluster.py` starts and stops the whole cluster; `services.py` its PostgreSQL, Redis and HAProxy;
`lock_store.py` is the Redis lock store the Rasa servers share (bot/rasa/endpoints.yml).
"""
