#!/usr/bin/env python3
"""Assess a referral through Pathway's decision service (pathway serve).

Uses Python's standard library only. The service's address comes from
PATHWAY_URL (default http://127.0.0.1:8080) and the caller's token from
PATHWAY_TOKEN; the referral is a JSON or YAML file.

    PATHWAY_TOKEN=... python3 assess.py examples/referrals/hr-eligible.json

Prints the decision, the decision id the service recorded it under, the
programmes offered and the safety actions, or the problems. Exit status:
0 a decision was made, 1 the referral is invalid, 2 anything else.
"""

import json
import os
import sys
import urllib.error
import urllib.request


def main(argv):
    if len(argv) != 2:
        print("usage: assess.py REFERRAL", file=sys.stderr)
        return 2
    url = os.environ.get("PATHWAY_URL", "http://127.0.0.1:8080").rstrip("/")
    token = os.environ.get("PATHWAY_TOKEN", "")
    path = argv[1]
    with open(path, "rb") as f:
        body = f.read()
    content_type = "application/yaml" if path.endswith((".yaml", ".yml")) else "application/json"
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url + "/v1/assess", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return report(response.status, response.headers, json.load(response))
    except urllib.error.HTTPError as e:
        try:
            answer = json.load(e)
        except ValueError:
            answer = {}
        return report(e.code, e.headers, answer)
    except urllib.error.URLError as e:
        print(f"cannot reach the service at {url}: {e.reason}", file=sys.stderr)
        return 2


def report(status, headers, answer):
    if status in (200, 422) and "decision" in answer:
        print(f"referral {answer['referral']}: {answer['decision']}")
        print(f"decision id {headers.get('X-Decision-Id')}")
        pack = answer["pack"]
        print(f"pack {pack['name']} {pack['version']} ({pack['digest']}), engine {pack['engine']}")
        for offer in answer["programmes"]:
            print(f"offered: {offer['id']}")
        for problem in answer["problems"]:
            print(f"problem: {problem.get('path', '')}: {problem['summary']} [{problem['code']}]")
        for action in answer["actions"]:
            print(f"action: {action['id']} ({action['owner']}, within {action['dueWithinDays']} days)")
        return 0 if status == 200 else 1
    print(f"the service answered {status}", file=sys.stderr)
    for problem in answer.get("problems", []):
        print(f"  {problem['summary']} [{problem['code']}]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
