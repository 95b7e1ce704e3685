--[[
  Writes one row of a feature view unless the row already stored for that view is newer (last
  write wins by event time; an equal event time writes), records the id in the entity's index
  set and, when the entity has a ttl, sets the hash to expire. Compare and write happen in this
  one script, so concurrent writers cannot reorder rows.

  Input:
    KEYS[1]  entity hash          <ns><entity>:<id>:features
    KEYS[2]  entity index set     <ns>all_<entity>s

    ARGV[1]  event-time field of the view, "_ts:<view>"
    ARGV[2]  event time of the row, epoch milliseconds (integer)
    ARGV[3]  entity id, the member added to KEYS[2]
    ARGV[4]  ttl of the hash in milliseconds, refreshed by this write; 0 for none
    ARGV[5]  n, the number of features to set
    ARGV[6 .. 5+2n]      feature, value pairs to set
    ARGV[6+2n .. #ARGV]  features to delete (written as null)

  Output:
    1  written
    0  stale: skipped, the stored event time of the view is newer (the hash is left untouched,
       its expiry included)
]]
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and tonumber(stored) > tonumber(ARGV[2]) then
  return 0
end

local pairs_end = 5 + 2 * tonumber(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], unpack(ARGV, 6, pairs_end))
if #ARGV > pairs_end then
  redis.call('HDEL', KEYS[1], unpack(ARGV, pairs_end + 1, #ARGV))
end
if ARGV[4] ~= '0' then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
redis.call('SADD', KEYS[2], ARGV[3])
return 1
