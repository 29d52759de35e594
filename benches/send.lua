-- wrk script for benches/send.sh: POSTs the body in the file args[1] with the
-- headers in the file args[2] (one "Name: value" per line), so wrk sends the
-- same request hooktap does, minus the per-request signing and recording.

local request_bytes

local function read(path)
  local file = assert(io.open(path, "rb"))
  local data = file:read("*a")
  file:close()
  return data
end

function init(args)
  local headers = {}
  for line in read(args[2]):gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then
      headers[name] = value
    end
  end
  request_bytes = wrk.format("POST", nil, headers, read(args[1]))
end

function request()
  return request_bytes
end
