-- wrk script: rotate over the paths listed in a file and count the responses per
-- second and status, and the page cache's X-Cache answers.
--   wrk -s bench/wrk_rotate.lua http://127.0.0.1:8000 -- paths.txt
-- Prints "count <second> <status> <n>" and "count cache <HIT|MISS> <n>" lines at the end.

local threads = {}
local paths = {}
local position = 0
counts = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  if args[1] then
    for line in io.lines(args[1]) do
      if line ~= "" then
        table.insert(paths, line)
      end
    end
  end
  -- Threads start at different places, so they do not ask for the same pages together.
  if #paths > 0 then
    position = (number * 7919) % #paths
  end
end

function request()
  if #paths == 0 then
    return wrk.request()
  end
  position = position % #paths + 1
  return wrk.format(nil, paths[position])
end

local function add(key)
  counts[key] = (counts[key] or 0) + 1
end

function response(status, headers, body)
  add(os.time() .. " " .. status)
  local cache = headers["X-Cache"] or headers["x-cache"]
  if cache then
    add("cache " .. cache)
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      total[key] = (total[key] or 0) + n
    end
  end
  for key, n in pairs(total) do
    io.write("count ", key, " ", n, "\n")
  end
end
