// Remove the parties no record points at any more (their records were
// resolved to another party), with their roles.
//
// :param ids => ["P0123456789ab"]

UNWIND $ids AS id
MATCH (p:Party {party_id: id})
DETACH DELETE p
