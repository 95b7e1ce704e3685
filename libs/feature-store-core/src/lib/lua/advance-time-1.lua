--[[
  Moves a stored time forward, never back: for marks such as "materialized up to", which several
  loaders may advance at once.

  Input:
    KEYS[1]  the mark (a string holding epoch milliseconds)
    ARGV[1]  the new time, epoch milliseconds

  Output:
    the time stored afterwards (the new one, or the later one already there)
]]
local stored = tonumber(redis.call('GET', KEYS[1]))
local time = tonumber(ARGV[1])
if stored and stored >= time then
  return stored
end
redis.call('SET', KEYS[1], ARGV[1])
return time
