-- The backbone benchmark's command load, sent by wrk (steiger.cli.wrk_load runs it).
--
-- Each wrk thread has one connection to one service and sends one command at a time (a
-- closed loop): bridge threads record assessments of two columns, planning threads plan an
-- action (60 %) or complete one they planned (40 %). The environment says which:
-- STEIGER_WRK_THREADS lists a "service@host:port" per thread, STEIGER_WRK_PARTICIPANTS names
-- a file of "participant_id goal_id" lines. Every PROGRESS accepted commands a thread writes
-- a line "steiger-progress <PROGRESS>", so that the load generator can register people
-- alongside.

local plans, threads = {}, {}
for entry in os.getenv("STEIGER_WRK_THREADS"):gmatch("%S+") do
  local service, host, port = entry:match("^([%a-]+)@([^:]+):(%d+)$")
  plans[#plans + 1] = { service = service, host = host, port = port }
end

function setup(thread)
  local plan = plans[#threads + 1]
  thread.addr = wrk.lookup(plan.host, plan.port)[1]
  thread:set("service", plan.service)
  thread:set("number", #threads + 1)
  threads[#threads + 1] = thread
end

-- per thread, read back by done(): commands accepted and refused (by status) per kind
accepted, refused = {}, {}

local PROGRESS = 10
local participants, open_actions = {}, {}
local sent, planned_for_goal
local answered = 0
-- STEIGER_WRK_AUTHORIZATION is the caller's "Bearer <token>"
local JSON = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = os.getenv("STEIGER_WRK_AUTHORIZATION"),
}
local COLUMNS = {
  "housing", "family", "health", "social-network", "education", "debts", "savings", "income",
}

function init(args)
  math.randomseed(os.time() * 1000 + number)
  for line in io.lines(os.getenv("STEIGER_WRK_PARTICIPANTS")) do
    local participant, goal = line:match("^(%S+) (%S+)$")
    participants[#participants + 1] = { id = participant, goal = goal }
  end
end

local stamped = 0

-- Now, to the second (all wrk's Lua has), with microseconds unique per thread and command:
-- Bridge positions of one participant and column at the same moment are one and the same.
local function now()
  stamped = stamped + 1
  return os.date("!%Y-%m-%dT%H:%M:%S") .. string.format(".%06dZ", number * 1000 + stamped % 1000)
end

local function assess()
  local participant = participants[math.random(#participants)]
  local first = math.random(#COLUMNS)
  local second = (first + math.random(#COLUMNS - 1) - 1) % #COLUMNS + 1
  local body = string.format(
    '{"definition_id":"nl-alphen","definition_version":"2017-09-07",'
      .. '"steps":{"%s":%d,"%s":%d},"assessed_at":"%s"}',
    COLUMNS[first], math.random(5), COLUMNS[second], math.random(5), now())
  return "assess", wrk.format("POST", "/participants/" .. participant.id .. "/assessments", JSON, body)
end

local function complete()
  local i = math.random(#open_actions)
  local goal, action = open_actions[i][1], open_actions[i][2]
  open_actions[i] = open_actions[#open_actions]
  open_actions[#open_actions] = nil
  local path = "/goals/" .. goal .. "/actions/" .. action .. "/completion"
  return "complete", wrk.format("POST", path, JSON, '{"completed_at":"' .. now() .. '"}')
end

local function plan()
  local participant = participants[math.random(#participants)]
  planned_for_goal = participant.goal
  local due = os.date("!%Y-%m-%d", os.time() + 86400 * math.random(30))
  local reward = math.random() < 0.5 and '"digid-applied"' or "null"
  local body = '{"description":"Sollicitatiebrief sturen","due_on":"' .. due
    .. '","reward_item":' .. reward .. "}"
  return "plan", wrk.format("POST", "/goals/" .. participant.goal .. "/actions", JSON, body)
end

function request()
  local request
  if service == "bridge" then
    sent, request = assess()
  elseif #open_actions > 0 and math.random() < 0.4 then
    sent, request = complete()
  else
    sent, request = plan()
  end
  return request
end

-- One connection per thread: each response answers the request sent last.
function response(status, headers, body)
  if status < 300 then
    accepted[sent] = (accepted[sent] or 0) + 1
    answered = answered + 1
    if answered % PROGRESS == 0 then
      io.write("steiger-progress " .. PROGRESS .. "\n")
      io.flush()
    end
    if sent == "plan" then
      open_actions[#open_actions + 1] = { planned_for_goal, body:match('"id"%s*:%s*"([^"]+)"') }
    end
  else
    local key = sent .. " " .. status
    refused[key] = (refused[key] or 0) + 1
  end
end

local function json_counts(counts)
  local parts = {}
  for key, count in pairs(counts) do
    parts[#parts + 1] = string.format('"%s":%d', key, count)
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    parts[#parts + 1] = string.format(
      '{"accepted":%s,"refused":%s}', json_counts(thread:get("accepted")),
      json_counts(thread:get("refused")))
  end
  io.write("steiger-load " .. "[" .. table.concat(parts, ",") .. "]\n")
end
