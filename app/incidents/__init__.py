"""Sudden and unusual matters (Decree 244/2026 Art. 7; before 1/7/2026 Decree 09/2017 Art. 6):
the clock from when the agency handled the matter, the first information given, the verdict."""
