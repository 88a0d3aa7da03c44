"""The yearly report on spokespersons and information for the press, in the shape its law asks."""
