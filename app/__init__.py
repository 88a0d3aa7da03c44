"""Press Desk: the press-office system of a provincial People's Committee."""
