-- wrk script for benches/relay.sh: POST the same signed body with a fresh random
-- X-GitHub-Delivery per request, shaped like GitHub's (a UUID), so the relay's
-- duplicate check sees ids as scattered as real ones.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local sig = os.getenv("BENCH_SIG")
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
end

local r = math.random
request = function()
  local id = string.format("%08x-%04x-4%03x-%04x-%06x%06x",
    r(0, 0x7fffffff), r(0, 0xffff), r(0, 0xfff), r(0x8000, 0xbfff), r(0, 0xffffff), r(0, 0xffffff))
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = sig,
    ["X-GitHub-Event"] = "push",
    ["X-GitHub-Delivery"] = id,
  }, body)
end
