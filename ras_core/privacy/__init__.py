"""A person's data under their control: export (a subject access request), erasure, and
retention. docs/privacy.md lists where personal data lives and how each reaches it.

- `export.export_person`: everything held about one person, as JSON and an Easy Read PDF;
- `erasure.erase_person`: remove every row and file about one person;
- `retention.purge`: delete what has been kept as long as the council says.

`python -m ras_core.privacy export|erase|purge` (make export, make erase, make purge).
"""
