-- wrk script: POST /api/v1/orders, each request with its own Idempotency-Key.
-- BRIGADE_TOKEN comes from the environment; statuses are counted per thread.
local threads = {}
local nonce = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  created = 0
  other = 0
  token = os.getenv("BRIGADE_TOKEN")
  body = '{"source":"POS","service":"PICKUP","customer":{"name":"Bench"},' ..
         '"items":[{"sku":"B1","qty":2,"modifiers":["XCH"]},{"sku":"S1","qty":1},' ..
         '{"sku":"DR1","qty":2}],"payments":[{"tender":"CASH","amount":5000}]}'
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v1/orders", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. nonce .. "-" .. id .. "-" .. counter,
  }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("CREATED %d OTHER %d\n", c, o))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("P%d_US %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("RPS %.1f\n", summary.requests / (summary.duration / 1e6)))
end
