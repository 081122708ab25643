"""The RAS core: questionnaire, council scheme, scoring, interview and storage.

Plain Python with no Rasa import, so the assistant, the coordinator side and any
command-line tool share one implementation.
"""
