--[[
  Writes rows of one feature view, each unless the row already stored for that view is newer (last
  write wins by event time; an equal event time writes), records the ids written in the key
  space's index set when one is given, and, when the key space has a ttl, sets each hash written
  to expire. Each row's compare and write happen in this one script, so concurrent writers cannot
  reorder rows; rows of the same id are applied in order. The keys are declared; on a Redis
  Cluster the caller sends one call per hash slot (Redis refuses declared keys of several slots in
  one command), pipelined on the connection of the slot's master, and adds the ids to their index
  buckets beforehand; Redis refuses a call whose slot moved (MOVED) before writing anything.

  Input (redis/scripts.ts builds it):
    KEYS[1 .. n]   the hash of each row, in row order (<ns><space>:<id>:features)
    KEYS[n + 1]    optional: the index set that gains the id of every row written
    ARGV[1]        n
    ARGV[2]        event-time field of the view, "_ts:<view>"
    ARGV[3]        ttl of the hashes in milliseconds, refreshed by each write; 0 for none
    then, for each row in order:
      id, event time (epoch ms, integer), s, f1, v1 .. fs, vs (features to set),
      d, g1 .. gd (features to delete: written as null)

  Output:
    an array of n codes, one per row:
       1  written
       0  stale: the stored event time of the view is newer; the hash is untouched, expiry included
      -1  not written: the key holds another type than a hash
      -2  not written: the stored event time of the view is not a number
]]
local rows = tonumber(ARGV[1])
local ts_field = ARGV[2]
local ttl = ARGV[3]
local codes = {}
local written = {}
local a = 4
for i = 1, rows do
  local key = KEYS[i]
  local id, ts = ARGV[a], ARGV[a + 1]
  local set_count = tonumber(ARGV[a + 2])
  local set_from, set_to = a + 3, a + 2 + 2 * set_count
  local unset_count = tonumber(ARGV[set_to + 1])
  local unset_from, unset_to = set_to + 2, set_to + 1 + unset_count
  a = unset_to + 1

  local stored = redis.pcall('HGET', key, ts_field)
  if type(stored) == 'table' and stored.err then
    codes[i] = -1
  elseif stored and not tonumber(stored) then
    codes[i] = -2
  elseif stored and tonumber(stored) > tonumber(ts) then
    codes[i] = 0
  else
    redis.call('HSET', key, ts_field, ts, unpack(ARGV, set_from, set_to))
    if unset_count > 0 then
      redis.call('HDEL', key, unpack(ARGV, unset_from, unset_to))
    end
    if ttl ~= '0' then
      redis.call('PEXPIRE', key, ttl)
    end
    codes[i] = 1
    written[#written + 1] = id
  end
end
if #KEYS > rows and #written > 0 then
  redis.call('SADD', KEYS[#KEYS], unpack(written))
end
return codes
