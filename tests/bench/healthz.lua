-- wrk script: GET /healthz, the ceiling of the HTTP layer.
function done(summary, latency, requests)
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("P%d_US %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("RPS %.1f\n", summary.requests / (summary.duration / 1e6)))
end
