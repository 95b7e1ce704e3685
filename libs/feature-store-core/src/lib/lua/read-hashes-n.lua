--[[
  Reads the same fields of many hashes in one call: one round trip and one command for a whole
  batch, where a pipeline of HMGETs costs the client one command per key. The values come back as
  ONE JSON string, which the client parses natively instead of decoding n * m RESP replies.

  Input:
    KEYS[1 .. n]   entity hashes   <ns><entity>:<id>:features   (any number; numkeys is passed)
    ARGV[1 .. m]   fields to read, the same for every hash

  Output:
    a JSON array of n * m elements: the m fields of KEYS[1], then of KEYS[2], ...; each a string,
    or false for a missing field (or hash)
]]
local out = {}
local count = 0
local width = #ARGV
for i = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[i], unpack(ARGV))
  for j = 1, width do
    count = count + 1
    out[count] = values[j]
  end
end
if count == 0 then
  return '[]'
end
return cjson.encode(out)
