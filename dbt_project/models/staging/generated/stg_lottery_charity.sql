-- generated from the programme catalogue (src/civstat/contract/) by civstat.contract.dbtgen; do not edit
-- 表12 福利彩票与慈善: detail rows of current and superseded returns (合计 rows dropped), year-to-date columns named *_ytd.
{{ stage_programme_sheet('lottery_charity') }}
