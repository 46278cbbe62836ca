-- wrk script: sign in as the demo family (a correct password, so no throttling).
wrk.method = "POST"
wrk.body = '{"login":"famille.ti","password":"Famille-TI-2026!"}'
wrk.headers["Content-Type"] = "application/json"
