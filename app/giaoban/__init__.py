"""The province informing the press at giao ban run by others (Decree 244/2026 Art. 5(5),
6(2)(d), 6(3)(d)): figure (2) of the yearly report."""
