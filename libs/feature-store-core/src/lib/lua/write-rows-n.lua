--[[
  Writes rows of one feature view, each unless the row already stored for that view is newer (last
  write wins by event time; an equal event time writes), then (single server) records the ids
  written in the entity's index set and, when the entity has a ttl, sets each hash written to
  expire. Each row's compare and write happen in this one script, so concurrent writers cannot
  reorder rows; rows of the same id are applied in order.

  Input, one of three forms (n rows, hashes in row order: <ns><entity>:<id>:features):
    single server:   KEYS[1 .. n] the hashes, KEYS[n + 1] the entity index set <ns>all_<entity>s;
                     ARGV[3] = 1
    Redis Cluster, hashes of one slot:
                     KEYS[1 .. n] the hashes; ARGV[3] = 0 (the caller has added the ids to the
                     index buckets beforehand)
    Redis Cluster, hashes of one master's slots (a cluster refuses declared keys of several
    slots; Redis fails the call, "non local key", at the first hash this master does not serve,
    the rows before it applied; the caller then writes the rest, and a replay changes nothing):
                     no KEYS; ARGV[3] = 0, ARGV[4] = n, ARGV[5 .. n + 4] the hashes

    ARGV[1]  event-time field of the view, "_ts:<view>"
    ARGV[2]  ttl of the hashes in milliseconds, refreshed by each write; 0 for none
    ARGV[3]  1: the last key is the index set; 0: there is none
    then, for each row in order:
      id, event time (epoch ms, integer), s, f1, v1 .. fs, vs (features to set),
      d, g1 .. gd (features to delete: written as null)

  Output:
    the number of rows written; the others were stale (the stored event time of the view is
    newer) and left their hash untouched, its expiry included
]]
local ts_field = ARGV[1]
local ttl = ARGV[2]
local with_index = ARGV[3] == '1'
local declared = #KEYS > 0
local rows = declared and (with_index and #KEYS - 1 or #KEYS) or tonumber(ARGV[4])
local written = {}
local a = declared and 4 or 5 + rows
for i = 1, rows do
  local key = declared and KEYS[i] or ARGV[4 + i]
  local id, ts = ARGV[a], ARGV[a + 1]
  local set_count = tonumber(ARGV[a + 2])
  local set_from, set_to = a + 3, a + 2 + 2 * set_count
  local unset_count = tonumber(ARGV[set_to + 1])
  local unset_from, unset_to = set_to + 2, set_to + 1 + unset_count
  a = unset_to + 1

  local stored = redis.call('HGET', key, ts_field)
  if not (stored and tonumber(stored) > tonumber(ts)) then
    redis.call('HSET', key, ts_field, ts, unpack(ARGV, set_from, set_to))
    if unset_count > 0 then
      redis.call('HDEL', key, unpack(ARGV, unset_from, unset_to))
    end
    if ttl ~= '0' then
      redis.call('PEXPIRE', key, ttl)
    end
    written[#written + 1] = id
  end
end
if with_index and #written > 0 then
  redis.call('SADD', KEYS[#KEYS], unpack(written))
end
return #written
