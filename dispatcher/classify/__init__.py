"""The real classifier (issue 4): intent, item/department ranking, rules, triage, learning."""
