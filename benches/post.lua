-- wrk script for benches/relay.sh: POST the same signed body, a fresh
-- X-GitHub-Delivery per request (so the relay's duplicate check stays honest).
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local sig = os.getenv("BENCH_SIG")
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = sig,
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = tostring(tid) .. "-" .. n,
  }, body)
end
