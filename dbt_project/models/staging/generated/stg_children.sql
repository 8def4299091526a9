-- generated from the programme catalogue (src/civstat/contract/) by civstat.contract.dbtgen; do not edit
-- 表13 儿童福利与关爱保护: detail rows of current and superseded returns (合计 rows dropped), year-to-date columns named *_ytd.
{{ stage_programme_sheet('children') }}
