// The judges and their load, for routing the day's cases (`casegraph
// assign`): team, capacity (the most cases a judge holds; null: no limit),
// court ('' : any court) and load, the cases the database gives them now
// (through the index on Case.judge). casegraph.assign.rules keeps the book
// from here on.

MATCH (j:Judge)
RETURN j.judge AS judge, coalesce(j.team, '') AS team, j.capacity AS capacity, coalesce(j.court, '') AS court,
       COUNT { MATCH (c:Case) WHERE c.judge = j.judge } AS load
