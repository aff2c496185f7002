// How many cases the database holds (`casegraph flag` says how many it scanned).

MATCH (c:Case)
RETURN count(c) AS n
