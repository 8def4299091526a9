{#- generated from the programme catalogue (src/civstat/contract/) by civstat.contract.dbtgen; do not edit -#}
{% macro civstat_catalogue() %}
{%- set data -%}{% raw %}
{
 "measures": [
  {
   "code": "pop_total",
   "cover": "pop_total",
   "programme": "cover"
  },
  {
   "code": "pop_urban",
   "cover": "pop_urban",
   "programme": "cover"
  },
  {
   "code": "pop_rural",
   "cover": "pop_rural",
   "programme": "cover"
  },
  {
   "code": "pop_60plus",
   "cover": "pop_60plus",
   "programme": "cover"
  },
  {
   "category": "urban",
   "code": "dibao_households_urban",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "households"
  },
  {
   "category": "rural",
   "code": "dibao_households_rural",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "households"
  },
  {
   "category": "urban",
   "code": "dibao_persons_urban",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "persons"
  },
  {
   "category": "rural",
   "code": "dibao_persons_rural",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "persons"
  },
  {
   "code": "dibao_persons",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "persons"
  },
  {
   "code": "dibao_new_persons_ytd",
   "flow": "new_persons",
   "line": "dibao",
   "programme": "dibao"
  },
  {
   "code": "dibao_exited_persons_ytd",
   "flow": "exited_persons",
   "line": "dibao",
   "programme": "dibao"
  },
  {
   "category": "urban",
   "code": "dibao_funds_ytd_urban",
   "flow": "funds",
   "line": "dibao",
   "programme": "dibao",
   "requires": "dibao_person_months_ytd_urban"
  },
  {
   "category": "rural",
   "code": "dibao_funds_ytd_rural",
   "flow": "funds",
   "line": "dibao",
   "programme": "dibao",
   "requires": "dibao_person_months_ytd_rural"
  },
  {
   "category": "urban",
   "code": "dibao_person_months_ytd_urban",
   "model": "int_dibao_person_months",
   "programme": "dibao",
   "value": "person_months_ytd"
  },
  {
   "category": "rural",
   "code": "dibao_person_months_ytd_rural",
   "model": "int_dibao_person_months",
   "programme": "dibao",
   "value": "person_months_ytd"
  },
  {
   "category": "urban",
   "code": "dibao_standard_urban",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "standard_monthly"
  },
  {
   "category": "rural",
   "code": "dibao_standard_rural",
   "model": "stg_dibao",
   "programme": "dibao",
   "value": "standard_monthly"
  },
  {
   "code": "tekun_persons",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "persons"
  },
  {
   "code": "tekun_centralized",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "centralized"
  },
  {
   "category": "rural",
   "code": "tekun_persons_rural",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "persons"
  },
  {
   "category": "rural",
   "code": "tekun_centralized_rural",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "centralized"
  },
  {
   "code": "temp_assist_funds_ytd",
   "flow": "funds",
   "line": "temp_assist",
   "programme": "temp_assist"
  },
  {
   "code": "temp_assist_person_times_ytd",
   "flow": "person_times",
   "line": "temp_assist",
   "programme": "temp_assist"
  },
  {
   "code": "med_direct_funds_ytd",
   "flow": "funds",
   "line": "med_assist_direct",
   "programme": "med_assist"
  },
  {
   "code": "med_direct_times_ytd",
   "flow": "person_times",
   "line": "med_assist_direct",
   "programme": "med_assist"
  },
  {
   "code": "disaster_relief_funds_ytd",
   "flow": "funds",
   "line": "disaster_relief",
   "programme": "disaster"
  },
  {
   "code": "disaster_affected_persons_ytd",
   "flow": "affected_persons",
   "line": "disaster_relief",
   "programme": "disaster"
  },
  {
   "code": "eldercare_beds",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "beds"
  },
  {
   "code": "eldercare_nursing_beds",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "nursing_beds"
  },
  {
   "code": "eldercare_residents",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "residents"
  },
  {
   "code": "eldercare_staff",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "staff"
  },
  {
   "code": "eldercare_trained_caregivers",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "trained_caregivers"
  },
  {
   "code": "veterans_received_ytd",
   "flow": "veterans_received",
   "line": "veteran_placement",
   "programme": "youfu"
  },
  {
   "code": "veterans_placed_ytd",
   "flow": "veterans_placed",
   "line": "veteran_placement",
   "programme": "youfu"
  },
  {
   "code": "veterans_self_employed_ytd",
   "flow": "veterans_self_employed",
   "line": "veteran_placement",
   "programme": "youfu"
  },
  {
   "code": "veterans_trained_ytd",
   "flow": "veterans_trained",
   "line": "veteran_placement",
   "programme": "youfu"
  },
  {
   "code": "veterans_to_place_ytd",
   "model": "stg_youfu",
   "programme": "youfu",
   "value": "case when veterans_pending is not null then coalesce(veterans_placed_ytd, 0) + veterans_pending else veterans_received_ytd - coalesce(veterans_self_employed_ytd, 0) end"
  },
  {
   "code": "veterans_pending",
   "model": "stg_youfu",
   "programme": "youfu",
   "value": "veterans_pending"
  },
  {
   "code": "disability_eligible",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "coalesce(hardship_disabled_eligible, 0) + coalesce(severe_disabled_eligible, 0)"
  },
  {
   "code": "disability_receiving",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "coalesce(hardship_disabled_receiving, 0) + coalesce(severe_disabled_receiving, 0)"
  }
 ],
 "programmes": [
  {
   "categories": [
    "urban",
    "rural"
   ],
   "code": "dibao",
   "columns": [
    {
     "name": "households",
     "staged": "households"
    },
    {
     "name": "persons",
     "staged": "persons"
    },
    {
     "name": "new_households",
     "staged": "new_households_ytd"
    },
    {
     "name": "new_persons",
     "staged": "new_persons_ytd"
    },
    {
     "name": "exited_households",
     "staged": "exited_households_ytd"
    },
    {
     "name": "exited_persons",
     "staged": "exited_persons_ytd"
    },
    {
     "name": "funds_ytd",
     "staged": "funds_ytd"
    },
    {
     "name": "standard",
     "period_magnitude": {
      "month_max": 2000.0,
      "year_min": 1000.0
     },
     "staged": "standard"
    }
   ],
   "domain": "social_assistance",
   "flows": [
    {
     "column": "new_households_ytd",
     "flow": "new_households",
     "programme": "dibao"
    },
    {
     "column": "new_persons_ytd",
     "flow": "new_persons",
     "programme": "dibao"
    },
    {
     "column": "exited_households_ytd",
     "flow": "exited_households",
     "programme": "dibao"
    },
    {
     "column": "exited_persons_ytd",
     "flow": "exited_persons",
     "programme": "dibao"
    },
    {
     "column": "funds_ytd",
     "flow": "funds",
     "programme": "dibao"
    }
   ],
   "flows_model": null,
   "row_kind": "category",
   "staging_model": "stg_dibao",
   "table": "dibao"
  },
  {
   "categories": [
    "urban",
    "rural"
   ],
   "code": "tekun",
   "columns": [
    {
     "name": "persons",
     "staged": "persons"
    },
    {
     "name": "centralized",
     "staged": "centralized"
    },
    {
     "name": "dispersed",
     "staged": "dispersed"
    },
    {
     "name": "new_persons",
     "staged": "new_persons_ytd"
    },
    {
     "name": "funds_ytd",
     "staged": "funds_ytd"
    },
    {
     "name": "std_centralized",
     "staged": "std_centralized"
    },
    {
     "name": "std_dispersed",
     "staged": "std_dispersed"
    }
   ],
   "domain": "social_assistance",
   "flows": [
    {
     "column": "new_persons_ytd",
     "flow": "new_persons",
     "programme": "tekun"
    },
    {
     "column": "funds_ytd",
     "flow": "funds",
     "programme": "tekun"
    }
   ],
   "flows_model": null,
   "row_kind": "category",
   "staging_model": "stg_tekun",
   "table": "tekun"
  },
  {
   "categories": [],
   "code": "temp_assist",
   "columns": [
    {
     "name": "household_times_ytd",
     "staged": "household_times_ytd"
    },
    {
     "name": "person_times_ytd",
     "staged": "person_times_ytd"
    },
    {
     "name": "funds_ytd",
     "staged": "funds_ytd"
    },
    {
     "name": "in_kind_ytd",
     "staged": "in_kind_ytd"
    }
   ],
   "domain": "social_assistance",
   "flows": [
    {
     "column": "household_times_ytd",
     "flow": "household_times",
     "programme": "temp_assist"
    },
    {
     "column": "person_times_ytd",
     "flow": "person_times",
     "programme": "temp_assist"
    },
    {
     "column": "funds_ytd",
     "flow": "funds",
     "programme": "temp_assist"
    },
    {
     "column": "in_kind_ytd",
     "flow": "funds",
     "programme": "temp_assist_in_kind"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_temp_assist",
   "table": "temp_assist"
  },
  {
   "categories": [],
   "code": "med_assist",
   "columns": [
    {
     "name": "insured_persons_ytd",
     "staged": "insured_persons_ytd"
    },
    {
     "name": "insured_funds_ytd",
     "staged": "insured_funds_ytd"
    },
    {
     "name": "direct_times_ytd",
     "staged": "direct_times_ytd"
    },
    {
     "name": "direct_funds_ytd",
     "staged": "direct_funds_ytd"
    }
   ],
   "domain": "medical_assistance",
   "flows": [
    {
     "column": "insured_persons_ytd",
     "flow": "insured_persons",
     "programme": "med_assist_insurance"
    },
    {
     "column": "insured_funds_ytd",
     "flow": "funds",
     "programme": "med_assist_insurance"
    },
    {
     "column": "direct_times_ytd",
     "flow": "person_times",
     "programme": "med_assist_direct"
    },
    {
     "column": "direct_funds_ytd",
     "flow": "funds",
     "programme": "med_assist_direct"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_med_assist",
   "table": "med_assist"
  },
  {
   "categories": [],
   "code": "disaster",
   "columns": [
    {
     "name": "event_date",
     "staged": "event_date"
    },
    {
     "name": "hazard_type",
     "staged": "hazard_type"
    },
    {
     "name": "affected_persons",
     "staged": "affected_persons"
    },
    {
     "name": "evacuated_persons",
     "staged": "evacuated_persons"
    },
    {
     "name": "crop_area_mu",
     "staged": "crop_area_mu"
    },
    {
     "name": "crop_failed_mu",
     "staged": "crop_failed_mu"
    },
    {
     "name": "collapsed_households",
     "staged": "collapsed_households"
    },
    {
     "name": "collapsed_rooms",
     "staged": "collapsed_rooms"
    },
    {
     "name": "severely_damaged_rooms",
     "staged": "severely_damaged_rooms"
    },
    {
     "name": "generally_damaged_rooms",
     "staged": "generally_damaged_rooms"
    },
    {
     "name": "direct_loss",
     "staged": "direct_loss"
    },
    {
     "name": "relief_funds",
     "staged": "relief_funds"
    }
   ],
   "domain": "disaster_relief",
   "flows": [],
   "flows_model": "int_disaster_flows",
   "row_kind": "event",
   "staging_model": "stg_disaster_events",
   "table": "disaster_events"
  },
  {
   "categories": [],
   "code": "eldercare",
   "columns": [
    {
     "name": "institution_name",
     "staged": "institution_name"
    },
    {
     "name": "institution_type",
     "staged": "institution_type"
    },
    {
     "name": "operation_mode",
     "staged": "operation_mode"
    },
    {
     "name": "beds",
     "staged": "beds"
    },
    {
     "name": "nursing_beds",
     "staged": "nursing_beds"
    },
    {
     "name": "residents",
     "staged": "residents"
    },
    {
     "name": "residents_tekun",
     "staged": "residents_tekun"
    },
    {
     "name": "staff",
     "staged": "staff"
    },
    {
     "name": "trained_caregivers",
     "staged": "trained_caregivers"
    }
   ],
   "domain": "eldercare",
   "flows": [],
   "flows_model": null,
   "row_kind": "entity",
   "staging_model": "stg_eldercare_institutions",
   "table": "eldercare_institutions"
  },
  {
   "categories": [],
   "code": "youfu",
   "columns": [
    {
     "name": "entitled_persons",
     "staged": "entitled_persons"
    },
    {
     "name": "pension_funds_ytd",
     "staged": "pension_funds_ytd"
    },
    {
     "name": "conscript_families",
     "staged": "conscript_families"
    },
    {
     "name": "conscript_family_funds_ytd",
     "staged": "conscript_family_funds_ytd"
    },
    {
     "name": "veterans_received_ytd",
     "staged": "veterans_received_ytd"
    },
    {
     "name": "veterans_placed_ytd",
     "staged": "veterans_placed_ytd"
    },
    {
     "name": "veterans_self_employed_ytd",
     "staged": "veterans_self_employed_ytd"
    },
    {
     "name": "veterans_trained_ytd",
     "staged": "veterans_trained_ytd"
    },
    {
     "name": "veterans_pending",
     "staged": "veterans_pending"
    },
    {
     "name": "veteran_grants_ytd",
     "staged": "veteran_grants_ytd"
    }
   ],
   "domain": "youfu",
   "flows": [
    {
     "column": "pension_funds_ytd",
     "flow": "funds",
     "programme": "youfu_pension"
    },
    {
     "column": "conscript_family_funds_ytd",
     "flow": "funds",
     "programme": "youfu_conscript_family"
    },
    {
     "column": "veterans_received_ytd",
     "flow": "veterans_received",
     "programme": "veteran_placement"
    },
    {
     "column": "veterans_placed_ytd",
     "flow": "veterans_placed",
     "programme": "veteran_placement"
    },
    {
     "column": "veterans_self_employed_ytd",
     "flow": "veterans_self_employed",
     "programme": "veteran_placement"
    },
    {
     "column": "veterans_trained_ytd",
     "flow": "veterans_trained",
     "programme": "veteran_placement"
    },
    {
     "column": "veteran_grants_ytd",
     "flow": "funds",
     "programme": "youfu_veteran_grants"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_youfu",
   "table": "youfu"
  },
  {
   "categories": [],
   "code": "welfare",
   "columns": [
    {
     "name": "high_age_persons",
     "staged": "high_age_persons"
    },
    {
     "name": "high_age_funds_ytd",
     "staged": "high_age_funds_ytd"
    },
    {
     "name": "hardship_disabled_eligible",
     "staged": "hardship_disabled_eligible"
    },
    {
     "name": "hardship_disabled_receiving",
     "staged": "hardship_disabled_receiving"
    },
    {
     "name": "severe_disabled_eligible",
     "staged": "severe_disabled_eligible"
    },
    {
     "name": "severe_disabled_receiving",
     "staged": "severe_disabled_receiving"
    },
    {
     "name": "disability_funds_ytd",
     "staged": "disability_funds_ytd"
    },
    {
     "name": "orphans_centralized",
     "staged": "orphans_centralized"
    },
    {
     "name": "orphans_dispersed",
     "staged": "orphans_dispersed"
    },
    {
     "name": "orphan_funds_ytd",
     "staged": "orphan_funds_ytd"
    }
   ],
   "domain": "welfare",
   "flows": [
    {
     "column": "high_age_funds_ytd",
     "flow": "funds",
     "programme": "high_age_allowance"
    },
    {
     "column": "disability_funds_ytd",
     "flow": "funds",
     "programme": "disability_subsidies"
    },
    {
     "column": "orphan_funds_ytd",
     "flow": "funds",
     "programme": "orphan_allowance"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_welfare",
   "table": "welfare"
  }
 ]
}
{% endraw %}{%- endset -%}
{{ return(fromjson(data)) }}
{% endmacro %}
