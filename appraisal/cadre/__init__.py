"""干部年度考核 (the cadre kind): its indicators, the use of each grade and its 年度考核登记表,
as plain functions over plain values (no session, no Prefect)."""
