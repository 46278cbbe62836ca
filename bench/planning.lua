-- wrk script: each request asks for the month planning of the next child, with its
-- family's access token, rotating over every (child, token) pair that
-- bench/planning_seed.py wrote (PLANNING_PAIRS); each thread starts at its own offset.
-- PLANNING_DATE: a day of the month shown (default 2026-10-15). PLANNING_ENCODING:
-- sent as Accept-Encoding (br, gzip), for compressed answers; none when unset.
local file = os.getenv("PLANNING_PAIRS") or "planning-pairs.txt"
local date = os.getenv("PLANNING_DATE") or "2026-10-15"
local encoding = os.getenv("PLANNING_ENCODING")
local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local requests = {}
local next_index = 1

function init(args)
  for line in io.lines(file) do
    local child, token = line:match("^(%d+) (%S+)$")
    if child then
      local headers = { ["Authorization"] = "Bearer " .. token }
      if encoding and encoding ~= "" then headers["Accept-Encoding"] = encoding end
      requests[#requests + 1] = wrk.format("GET",
        "/api/v1/children/" .. child .. "/planning?period=month&date=" .. date, headers)
    end
  end
  -- Threads start far apart in the rotation: no two ask for the same child at once.
  next_index = (thread_index or 0) * 4999 % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
