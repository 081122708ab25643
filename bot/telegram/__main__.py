import sys

from bot.telegram.app import main
from ras_core.logs import private_files

private_files()  # umask 077: the state file, voice cache and database are 0600 / 0700
sys.exit(main())
