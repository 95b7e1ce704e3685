#!lua flags=no-writes
--[[
  Reads fields of many hashes in one call, on a single server: one round trip and one command for
  a whole read, where a pipeline of HMGETs costs the client one command per key. The values come
  back as ONE JSON string, which the client reads in one pass (backend/hash-rows.ts) instead of
  decoding n * m RESP replies. (A Redis Cluster refuses declared keys of several slots in one
  command, whatever the script's flags: there the backend pipelines HMGETs instead.)

  Input (redis/scripts.ts builds it):
    KEYS[1 .. n]   the hashes, group after group
    ARGV[1]        g, the number of groups
    then, for each group in KEYS order:
      k            the number of its keys (consecutive in KEYS)
      m            the number of its fields
      f1 .. fm     the fields read from each of its keys

  Output:
    a JSON array of n entries, one per key in order: an array of its group's m field values in
    order (a string, or false for a missing field or hash); or 0 when the key holds another type
    than a hash (written by someone else), which fails neither the call nor the other keys.
]]
local out = {}
local key = 1
local a = 2
for _ = 1, tonumber(ARGV[1]) do
  local count, width = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local fields = { unpack(ARGV, a + 2, a + 1 + width) }
  a = a + 2 + width
  for _ = 1, count do
    local values = redis.pcall('HMGET', KEYS[key], unpack(fields))
    if values.err then
      out[key] = 0
    else
      out[key] = values
    end
    key = key + 1
  end
end
if key == 1 then
  return '[]'
end
return cjson.encode(out)
