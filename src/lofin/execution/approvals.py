"""Execution documents that go through approval lines (결재). Transfers between lines register here."""
