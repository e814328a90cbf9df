#!/bin/bash
# For each shared capture: tshark's HTTP request messages (method uri) and response messages (status),
# one per line in frame order (several messages in one frame are split, unlike -T fields output).
out="$(cd "$(dirname "$0")" && pwd)/tshark"
cd "$(dirname "$0")/../../../shared/captures"
tail -n +2 CATALOGUE.tsv | cut -f1 | while read -r f; do
  name=$(echo "$f" | tr '/' '_')
  tshark -r "$f" -Y 'http.request or http.response' -T ek -e http.request.method -e http.request.uri -e http.response.code 2>/dev/null |
    node -e '
      const fs = require("fs"); const lines = fs.readFileSync(0, "utf8").split("\n");
      const req = [], resp = [];
      for (const l of lines) { if (!l.startsWith("{\"timestamp")) continue; const x = JSON.parse(l).layers;
        const m = x.http_request_method || [], u = x.http_request_uri || [], c = x.http_response_code || [];
        m.forEach((mm, i) => req.push(mm + " " + (u[i] ?? ""))); c.forEach((cc) => resp.push(String(cc))); }
      fs.writeFileSync(process.argv[1] + ".requests.txt", req.map((s) => s + "\n").join(""));
      fs.writeFileSync(process.argv[1] + ".responses.txt", resp.map((s) => s + "\n").join(""));
    ' "$out/$name"
done
