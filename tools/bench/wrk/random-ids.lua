-- wrk script: every request asks for fresh random ids of the seeded id space.
--
-- Arguments (after "--" on the wrk command line, the same for every thread):
--   args[1]  mode: "single" (GET /features/{id}), "batch" (POST /features/batch) or "feast"
--            (POST /get-online-features: entity rows of a user and an item each)
--   args[2]  batch size (ids, or entity rows, per request; ignored for "single")
--   args[3]  id prefix ("user")
--   args[4]  digits of the zero-padded id number (5)
--   args[5]  number of ids (100000): ids are prefix .. 0 .. count-1
--   args[6]  "feast": the item id prefix ("item"), same digits and number
--   args[7]  "feast": the features read, as a JSON array
--
-- Output: done() prints one line "WRK_JSON {...}" with requests, duration_us, the error counts
-- (status = responses other than 2xx/3xx) and latency percentiles in microseconds.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local mode, batch_size, id_format, id_count, item_format, features

function init(args)
  mode = args[1]
  batch_size = tonumber(args[2])
  id_format = args[3] .. "%0" .. args[4] .. "d"
  id_count = tonumber(args[5])
  item_format = (args[6] or "item") .. "%0" .. args[4] .. "d"
  features = args[7] or "[]"
  if mode ~= "single" and mode ~= "batch" and mode ~= "feast" then
    error("random-ids.lua: mode must be single, batch or feast, got " .. tostring(mode))
  end
  math.randomseed(os.time() * 1000 + (thread_index or 0))
end

local function random_id()
  return string.format(id_format, math.random(0, id_count - 1))
end

local batch_headers = { ["Content-Type"] = "application/json" }

local function random_ids(format, count)
  local ids = {}
  for i = 1, count do
    ids[i] = '"' .. string.format(format, math.random(0, id_count - 1)) .. '"'
  end
  return table.concat(ids, ",")
end

function request()
  if mode == "single" then
    return wrk.format("GET", "/features/" .. random_id())
  end
  if mode == "feast" then
    local body = '{"entities":{"user_id":[' .. random_ids(id_format, batch_size) .. '],"item_id":[' ..
      random_ids(item_format, batch_size) .. ']},"features":' .. features .. '}'
    return wrk.format("POST", "/get-online-features", batch_headers, body)
  end
  local ids = {}
  for i = 1, batch_size do
    ids[i] = '"' .. random_id() .. '"'
  end
  return wrk.format("POST", "/features/batch", batch_headers, '{"user_ids":[' .. table.concat(ids, ",") .. "]}")
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean
  ))
end
