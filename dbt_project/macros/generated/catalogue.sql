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
   "programme": "dibao"
  },
  {
   "category": "urban",
   "code": "dibao_funds_for_per_capita_urban",
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
   "programme": "dibao"
  },
  {
   "category": "rural",
   "code": "dibao_funds_for_per_capita_rural",
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
   "category": "urban",
   "code": "tekun_persons_urban",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "persons"
  },
  {
   "code": "tekun_new_persons_ytd",
   "flow": "new_persons",
   "line": "tekun",
   "programme": "tekun"
  },
  {
   "code": "tekun_new_centralized_ytd",
   "flow": "new_centralized",
   "line": "tekun",
   "programme": "tekun"
  },
  {
   "code": "tekun_funds_ytd",
   "flow": "funds",
   "line": "tekun",
   "programme": "tekun"
  },
  {
   "code": "tekun_centralized_funds_ytd",
   "flow": "funds",
   "line": "tekun_centralized",
   "programme": "tekun"
  },
  {
   "code": "tekun_dispersed_funds_ytd",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "funds_ytd - centralized_funds_ytd",
   "where": "centralized_funds_ytd is not null"
  },
  {
   "category": "urban",
   "code": "tekun_std_centralized_urban",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "std_centralized_annual"
  },
  {
   "category": "urban",
   "code": "tekun_std_dispersed_urban",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "std_dispersed_annual"
  },
  {
   "category": "rural",
   "code": "tekun_std_centralized_rural",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "std_centralized_annual"
  },
  {
   "category": "rural",
   "code": "tekun_std_dispersed_rural",
   "model": "stg_tekun",
   "programme": "tekun",
   "value": "std_dispersed_annual"
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
   "code": "eldercare_hazards_found",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "hazards_found_ytd"
  },
  {
   "code": "eldercare_hazards_rectified",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "hazards_rectified_ytd",
   "where": "hazards_found_ytd is not null"
  },
  {
   "code": "eldercare_hazards_found_paired",
   "model": "stg_eldercare_institutions",
   "programme": "eldercare",
   "value": "hazards_found_ytd",
   "where": "hazards_rectified_ytd is not null"
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
   "value": "case when veterans_pending is not null then coalesce(veterans_placed_ytd, 0) + veterans_pending when veterans_received_ytd - coalesce(veterans_self_employed_ytd, 0) <> coalesce(veterans_placed_ytd, 0) then veterans_received_ytd - coalesce(veterans_self_employed_ytd, 0) end"
  },
  {
   "code": "veterans_placed_for_rate_ytd",
   "model": "stg_youfu",
   "programme": "youfu",
   "requires": "veterans_to_place_ytd",
   "value": "veterans_placed_ytd"
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
  },
  {
   "code": "disability_funds_ytd",
   "flow": "funds",
   "line": "disability_subsidies",
   "programme": "welfare"
  },
  {
   "code": "disability_hardship_funds_ytd",
   "flow": "funds",
   "line": "disability_hardship_subsidy",
   "programme": "welfare"
  },
  {
   "code": "disability_care_funds_ytd",
   "flow": "funds",
   "line": "disability_care_subsidy",
   "programme": "welfare"
  },
  {
   "code": "orphans",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "coalesce(orphans_centralized, 0) + coalesce(orphans_dispersed, 0)",
   "where": "orphans_centralized is not null or orphans_dispersed is not null"
  },
  {
   "code": "orphans_centralized",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "orphans_centralized"
  },
  {
   "code": "orphans_dispersed",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "orphans_dispersed"
  },
  {
   "code": "orphan_funds_ytd",
   "flow": "funds",
   "line": "orphan_allowance",
   "programme": "welfare"
  },
  {
   "code": "orphan_std_centralized",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "orphan_std_centralized"
  },
  {
   "code": "orphan_std_dispersed",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "orphan_std_dispersed"
  },
  {
   "code": "retired_workers",
   "model": "stg_welfare",
   "programme": "welfare",
   "value": "retired_workers"
  },
  {
   "code": "retired_workers_funds_ytd",
   "flow": "funds",
   "line": "retired_workers_relief",
   "programme": "welfare"
  },
  {
   "code": "marriages_ytd",
   "flow": "marriages",
   "line": "marriage_registration",
   "programme": "marriage"
  },
  {
   "code": "foreign_marriages_ytd",
   "flow": "foreign_marriages",
   "line": "marriage_registration",
   "programme": "marriage"
  },
  {
   "code": "divorces_ytd",
   "flow": "divorces",
   "line": "marriage_registration",
   "programme": "marriage"
  },
  {
   "code": "marriage_certificates_reissued_ytd",
   "flow": "certificates_reissued",
   "line": "marriage_registration",
   "programme": "marriage"
  },
  {
   "code": "adoptions_ytd",
   "flow": "adoptions",
   "line": "adoption_registration",
   "programme": "marriage"
  },
  {
   "code": "marriage_counselling_ytd",
   "flow": "counselling",
   "line": "marriage_registration",
   "programme": "marriage"
  },
  {
   "code": "deaths_ytd",
   "flow": "deaths",
   "line": "funeral_management",
   "programme": "funeral"
  },
  {
   "code": "cremated_ytd",
   "flow": "cremated",
   "line": "funeral_management",
   "programme": "funeral"
  },
  {
   "code": "eco_burials_ytd",
   "flow": "eco_burials",
   "line": "funeral_management",
   "programme": "funeral"
  },
  {
   "code": "funeral_subsidy_persons_ytd",
   "flow": "persons",
   "line": "funeral_subsidy",
   "programme": "funeral"
  },
  {
   "code": "funeral_subsidy_funds_ytd",
   "flow": "funds",
   "line": "funeral_subsidy",
   "programme": "funeral"
  },
  {
   "code": "public_cemeteries",
   "model": "stg_funeral",
   "programme": "funeral",
   "value": "public_cemeteries"
  },
  {
   "code": "rural_public_cemeteries",
   "model": "stg_funeral",
   "programme": "funeral",
   "value": "rural_public_cemeteries"
  },
  {
   "code": "social_org_associations",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "associations"
  },
  {
   "code": "social_org_service_institutions",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "service_institutions"
  },
  {
   "code": "social_org_foundations",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "foundations"
  },
  {
   "code": "social_orgs_total",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "coalesce(associations, 0) + coalesce(service_institutions, 0) + coalesce(foundations, 0)"
  },
  {
   "code": "social_orgs_pop_total",
   "cover": "pop_total",
   "programme": "social_orgs",
   "requires": "social_orgs_total"
  },
  {
   "code": "social_orgs_new_ytd",
   "flow": "new_registered",
   "line": "social_orgs",
   "programme": "social_orgs"
  },
  {
   "code": "social_orgs_deregistered_ytd",
   "flow": "deregistered",
   "line": "social_orgs",
   "programme": "social_orgs"
  },
  {
   "code": "social_org_inspection_due",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "inspection_due_ytd"
  },
  {
   "code": "social_org_inspection_attended",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "coalesce(inspection_attended_ytd, 0)",
   "where": "inspection_due_ytd is not null"
  },
  {
   "code": "social_org_inspection_passed",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "coalesce(inspection_passed_ytd, 0)",
   "where": "inspection_due_ytd is not null"
  },
  {
   "code": "social_org_evaluated",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "evaluated_ytd"
  },
  {
   "code": "social_org_rated_3a",
   "model": "stg_social_orgs",
   "programme": "social_orgs",
   "value": "coalesce(rated_3a_ytd, 0)",
   "where": "evaluated_ytd is not null"
  },
  {
   "code": "lottery_sales_ytd",
   "flow": "sales",
   "line": "welfare_lottery",
   "programme": "lottery_charity"
  },
  {
   "code": "lottery_welfare_funds_ytd",
   "flow": "funds",
   "line": "lottery_public_welfare",
   "programme": "lottery_charity"
  },
  {
   "code": "lottery_sales_paired_ytd",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "lottery_sales_ytd",
   "where": "lottery_welfare_funds_ytd is not null"
  },
  {
   "code": "lottery_welfare_funds_paired_ytd",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "lottery_welfare_funds_ytd",
   "where": "lottery_sales_ytd is not null"
  },
  {
   "code": "charity_donations_ytd",
   "flow": "funds",
   "line": "charity",
   "programme": "lottery_charity"
  },
  {
   "code": "charity_aided_ytd",
   "flow": "aided",
   "line": "charity",
   "programme": "lottery_charity"
  },
  {
   "code": "charity_shops",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "charity_shops"
  },
  {
   "code": "volunteers",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "volunteers"
  },
  {
   "code": "volunteers_pop_total",
   "cover": "pop_total",
   "programme": "lottery_charity",
   "requires": "volunteers"
  },
  {
   "code": "welfare_enterprises",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "welfare_enterprises"
  },
  {
   "code": "welfare_enterprise_staff",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "welfare_enterprise_staff"
  },
  {
   "code": "welfare_enterprise_disabled_staff",
   "model": "stg_lottery_charity",
   "programme": "lottery_charity",
   "value": "coalesce(welfare_enterprise_disabled_staff, 0)",
   "where": "welfare_enterprise_staff is not null"
  },
  {
   "code": "left_behind_children",
   "model": "stg_children",
   "programme": "children",
   "value": "left_behind_children"
  },
  {
   "code": "children_in_difficulty",
   "model": "stg_children",
   "programme": "children",
   "value": "children_in_difficulty"
  },
  {
   "code": "de_facto_orphans",
   "model": "stg_children",
   "programme": "children",
   "value": "de_facto_orphans"
  },
  {
   "code": "left_behind_women",
   "model": "stg_children",
   "programme": "children",
   "value": "left_behind_women"
  },
  {
   "code": "left_behind_elderly",
   "model": "stg_children",
   "programme": "children",
   "value": "left_behind_elderly"
  },
  {
   "code": "child_directors",
   "model": "stg_children",
   "programme": "children",
   "value": "child_directors"
  },
  {
   "code": "child_supervisors",
   "model": "stg_children",
   "programme": "children",
   "value": "child_supervisors"
  },
  {
   "code": "child_directors_with_committees",
   "model": "stg_children",
   "programme": "children",
   "requires": "committees_carried",
   "value": "child_directors"
  },
  {
   "code": "committees_for_child_directors",
   "model": "int_committees_carried",
   "programme": "children",
   "requires": "child_directors",
   "value": "committees"
  },
  {
   "code": "vagrants_aided_ytd",
   "flow": "aided",
   "line": "vagrants",
   "programme": "vagrants"
  },
  {
   "code": "vagrant_minors_ytd",
   "model": "stg_vagrants",
   "programme": "vagrants",
   "value": "coalesce(minors_ytd, 0)",
   "where": "aided_ytd is not null"
  },
  {
   "code": "vagrants_escorted_ytd",
   "flow": "escorted_home",
   "line": "vagrants",
   "programme": "vagrants"
  },
  {
   "code": "vagrant_funds_ytd",
   "flow": "funds",
   "line": "vagrants",
   "programme": "vagrants"
  },
  {
   "code": "village_committees",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "village_committees"
  },
  {
   "code": "resident_committees",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "resident_committees"
  },
  {
   "code": "committees_carried",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "committees"
  },
  {
   "code": "committee_members",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "committee_members"
  },
  {
   "code": "committee_members_female",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "case when committee_members is not null then committee_members_female end"
  },
  {
   "code": "committee_members_for_female_share",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "case when committee_members_female is not null then committee_members end"
  },
  {
   "code": "secretary_director_villages",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "secretary_director"
  },
  {
   "code": "committees_for_secretary_director",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "case when secretary_director is not null then committees end"
  },
  {
   "code": "facility_communities",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "facility_communities"
  },
  {
   "code": "committees_for_facilities",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "case when facility_communities is not null then committees end"
  },
  {
   "code": "open_affairs_villages",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "open_affairs_villages"
  },
  {
   "code": "community_workers",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "community_workers"
  },
  {
   "code": "licensed_social_workers",
   "model": "int_committees_carried",
   "programme": "community",
   "value": "licensed_social_workers"
  },
  {
   "code": "pop_total_for_social_workers",
   "cover": "pop_total",
   "programme": "community",
   "requires": "licensed_social_workers"
  },
  {
   "code": "homecare_centers",
   "model": "stg_homecare",
   "programme": "homecare",
   "value": "homecare_centers"
  },
  {
   "code": "homecare_stations",
   "model": "stg_homecare",
   "programme": "homecare",
   "value": "homecare_stations"
  },
  {
   "code": "meal_points",
   "model": "stg_homecare",
   "programme": "homecare",
   "value": "meal_points"
  },
  {
   "code": "home_visits_ytd",
   "flow": "home_visits",
   "line": "homecare",
   "programme": "homecare"
  },
  {
   "code": "senior_contracted",
   "model": "stg_homecare",
   "programme": "homecare",
   "value": "senior_contracted"
  },
  {
   "code": "senior_cards_ytd",
   "flow": "cards_issued",
   "line": "senior_preferential",
   "programme": "homecare"
  },
  {
   "code": "homecare_centers_stations",
   "model": "stg_homecare",
   "programme": "homecare",
   "requires": "committees_carried",
   "value": "case when homecare_centers is not null or homecare_stations is not null then coalesce(homecare_centers, 0) + coalesce(homecare_stations, 0) end"
  },
  {
   "code": "committees_for_homecare",
   "model": "int_committees_carried",
   "programme": "homecare",
   "requires": "homecare_centers_stations",
   "value": "committees"
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
     "name": "new_centralized",
     "staged": "new_centralized_ytd"
    },
    {
     "name": "funds_ytd",
     "staged": "funds_ytd"
    },
    {
     "name": "centralized_funds_ytd",
     "staged": "centralized_funds_ytd"
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
     "column": "new_centralized_ytd",
     "flow": "new_centralized",
     "programme": "tekun"
    },
    {
     "column": "funds_ytd",
     "flow": "funds",
     "programme": "tekun"
    },
    {
     "column": "centralized_funds_ytd",
     "flow": "funds",
     "programme": "tekun_centralized"
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
    },
    {
     "name": "hazards_found_ytd",
     "staged": "hazards_found_ytd"
    },
    {
     "name": "hazards_rectified_ytd",
     "staged": "hazards_rectified_ytd"
    }
   ],
   "domain": "eldercare",
   "flows": [
    {
     "column": "hazards_found_ytd",
     "flow": "hazards_found",
     "programme": "eldercare_safety"
    },
    {
     "column": "hazards_rectified_ytd",
     "flow": "hazards_rectified",
     "programme": "eldercare_safety"
    }
   ],
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
     "name": "hardship_disabled_funds_ytd",
     "staged": "hardship_disabled_funds_ytd"
    },
    {
     "name": "severe_disabled_funds_ytd",
     "staged": "severe_disabled_funds_ytd"
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
    },
    {
     "name": "orphan_std_dispersed",
     "staged": "orphan_std_dispersed"
    },
    {
     "name": "orphan_std_centralized",
     "staged": "orphan_std_centralized"
    },
    {
     "name": "retired_workers",
     "staged": "retired_workers"
    },
    {
     "name": "retired_workers_funds_ytd",
     "staged": "retired_workers_funds_ytd"
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
     "column": "hardship_disabled_funds_ytd",
     "flow": "funds",
     "programme": "disability_hardship_subsidy"
    },
    {
     "column": "severe_disabled_funds_ytd",
     "flow": "funds",
     "programme": "disability_care_subsidy"
    },
    {
     "column": "orphan_funds_ytd",
     "flow": "funds",
     "programme": "orphan_allowance"
    },
    {
     "column": "retired_workers_funds_ytd",
     "flow": "funds",
     "programme": "retired_workers_relief"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_welfare",
   "table": "welfare"
  },
  {
   "categories": [],
   "code": "marriage",
   "columns": [
    {
     "name": "marriages_ytd",
     "staged": "marriages_ytd"
    },
    {
     "name": "foreign_marriages_ytd",
     "staged": "foreign_marriages_ytd"
    },
    {
     "name": "divorces_ytd",
     "staged": "divorces_ytd"
    },
    {
     "name": "certificates_reissued_ytd",
     "staged": "certificates_reissued_ytd"
    },
    {
     "name": "adoptions_ytd",
     "staged": "adoptions_ytd"
    },
    {
     "name": "counselling_ytd",
     "staged": "counselling_ytd"
    }
   ],
   "domain": "social_affairs",
   "flows": [
    {
     "column": "marriages_ytd",
     "flow": "marriages",
     "programme": "marriage_registration"
    },
    {
     "column": "foreign_marriages_ytd",
     "flow": "foreign_marriages",
     "programme": "marriage_registration"
    },
    {
     "column": "divorces_ytd",
     "flow": "divorces",
     "programme": "marriage_registration"
    },
    {
     "column": "certificates_reissued_ytd",
     "flow": "certificates_reissued",
     "programme": "marriage_registration"
    },
    {
     "column": "adoptions_ytd",
     "flow": "adoptions",
     "programme": "adoption_registration"
    },
    {
     "column": "counselling_ytd",
     "flow": "counselling",
     "programme": "marriage_registration"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_marriage",
   "table": "marriage"
  },
  {
   "categories": [],
   "code": "funeral",
   "columns": [
    {
     "name": "deaths_ytd",
     "staged": "deaths_ytd"
    },
    {
     "name": "cremated_ytd",
     "staged": "cremated_ytd"
    },
    {
     "name": "subsidy_persons_ytd",
     "staged": "subsidy_persons_ytd"
    },
    {
     "name": "subsidy_funds_ytd",
     "staged": "subsidy_funds_ytd"
    },
    {
     "name": "eco_burials_ytd",
     "staged": "eco_burials_ytd"
    },
    {
     "name": "public_cemeteries",
     "staged": "public_cemeteries"
    },
    {
     "name": "rural_public_cemeteries",
     "staged": "rural_public_cemeteries"
    }
   ],
   "domain": "social_affairs",
   "flows": [
    {
     "column": "deaths_ytd",
     "flow": "deaths",
     "programme": "funeral_management"
    },
    {
     "column": "cremated_ytd",
     "flow": "cremated",
     "programme": "funeral_management"
    },
    {
     "column": "subsidy_persons_ytd",
     "flow": "persons",
     "programme": "funeral_subsidy"
    },
    {
     "column": "subsidy_funds_ytd",
     "flow": "funds",
     "programme": "funeral_subsidy"
    },
    {
     "column": "eco_burials_ytd",
     "flow": "eco_burials",
     "programme": "funeral_management"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_funeral",
   "table": "funeral"
  },
  {
   "categories": [],
   "code": "social_orgs",
   "columns": [
    {
     "name": "associations",
     "staged": "associations"
    },
    {
     "name": "service_institutions",
     "staged": "service_institutions"
    },
    {
     "name": "foundations",
     "staged": "foundations"
    },
    {
     "name": "new_registered_ytd",
     "staged": "new_registered_ytd"
    },
    {
     "name": "deregistered_ytd",
     "staged": "deregistered_ytd"
    },
    {
     "name": "inspection_due_ytd",
     "staged": "inspection_due_ytd"
    },
    {
     "name": "inspection_attended_ytd",
     "staged": "inspection_attended_ytd"
    },
    {
     "name": "inspection_passed_ytd",
     "staged": "inspection_passed_ytd"
    },
    {
     "name": "evaluated_ytd",
     "staged": "evaluated_ytd"
    },
    {
     "name": "rated_3a_ytd",
     "staged": "rated_3a_ytd"
    }
   ],
   "domain": "social_organisations",
   "flows": [
    {
     "column": "new_registered_ytd",
     "flow": "new_registered",
     "programme": "social_orgs"
    },
    {
     "column": "deregistered_ytd",
     "flow": "deregistered",
     "programme": "social_orgs"
    },
    {
     "column": "inspection_due_ytd",
     "flow": "inspection_due",
     "programme": "social_orgs"
    },
    {
     "column": "inspection_attended_ytd",
     "flow": "inspection_attended",
     "programme": "social_orgs"
    },
    {
     "column": "inspection_passed_ytd",
     "flow": "inspection_passed",
     "programme": "social_orgs"
    },
    {
     "column": "evaluated_ytd",
     "flow": "evaluated",
     "programme": "social_orgs"
    },
    {
     "column": "rated_3a_ytd",
     "flow": "rated_3a",
     "programme": "social_orgs"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_social_orgs",
   "table": "social_orgs"
  },
  {
   "categories": [],
   "code": "lottery_charity",
   "columns": [
    {
     "name": "lottery_sales_ytd",
     "staged": "lottery_sales_ytd"
    },
    {
     "name": "lottery_welfare_funds_ytd",
     "staged": "lottery_welfare_funds_ytd"
    },
    {
     "name": "charity_donations_ytd",
     "staged": "charity_donations_ytd"
    },
    {
     "name": "charity_aided_ytd",
     "staged": "charity_aided_ytd"
    },
    {
     "name": "charity_shops",
     "staged": "charity_shops"
    },
    {
     "name": "volunteers",
     "staged": "volunteers"
    },
    {
     "name": "welfare_enterprises",
     "staged": "welfare_enterprises"
    },
    {
     "name": "welfare_enterprise_staff",
     "staged": "welfare_enterprise_staff"
    },
    {
     "name": "welfare_enterprise_disabled_staff",
     "staged": "welfare_enterprise_disabled_staff"
    }
   ],
   "domain": "charity",
   "flows": [
    {
     "column": "lottery_sales_ytd",
     "flow": "sales",
     "programme": "welfare_lottery"
    },
    {
     "column": "lottery_welfare_funds_ytd",
     "flow": "funds",
     "programme": "lottery_public_welfare"
    },
    {
     "column": "charity_donations_ytd",
     "flow": "funds",
     "programme": "charity"
    },
    {
     "column": "charity_aided_ytd",
     "flow": "aided",
     "programme": "charity"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_lottery_charity",
   "table": "lottery_charity"
  },
  {
   "categories": [],
   "code": "children",
   "columns": [
    {
     "name": "left_behind_children",
     "staged": "left_behind_children"
    },
    {
     "name": "children_in_difficulty",
     "staged": "children_in_difficulty"
    },
    {
     "name": "de_facto_orphans",
     "staged": "de_facto_orphans"
    },
    {
     "name": "left_behind_women",
     "staged": "left_behind_women"
    },
    {
     "name": "left_behind_elderly",
     "staged": "left_behind_elderly"
    },
    {
     "name": "child_directors",
     "staged": "child_directors"
    },
    {
     "name": "child_supervisors",
     "staged": "child_supervisors"
    }
   ],
   "domain": "children",
   "flows": [],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_children",
   "table": "children"
  },
  {
   "categories": [],
   "code": "vagrants",
   "columns": [
    {
     "name": "aided_ytd",
     "staged": "aided_ytd"
    },
    {
     "name": "minors_ytd",
     "staged": "minors_ytd"
    },
    {
     "name": "escorted_home_ytd",
     "staged": "escorted_home_ytd"
    },
    {
     "name": "funds_ytd",
     "staged": "funds_ytd"
    }
   ],
   "domain": "social_assistance",
   "flows": [
    {
     "column": "aided_ytd",
     "flow": "aided",
     "programme": "vagrants"
    },
    {
     "column": "minors_ytd",
     "flow": "minors",
     "programme": "vagrants"
    },
    {
     "column": "escorted_home_ytd",
     "flow": "escorted_home",
     "programme": "vagrants"
    },
    {
     "column": "funds_ytd",
     "flow": "funds",
     "programme": "vagrants"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_vagrants",
   "table": "vagrants"
  },
  {
   "categories": [],
   "code": "community",
   "columns": [
    {
     "name": "village_committees",
     "staged": "village_committees"
    },
    {
     "name": "resident_committees",
     "staged": "resident_committees"
    },
    {
     "name": "committee_members",
     "staged": "committee_members"
    },
    {
     "name": "committee_members_female",
     "staged": "committee_members_female"
    },
    {
     "name": "secretary_director",
     "staged": "secretary_director"
    },
    {
     "name": "facility_communities",
     "staged": "facility_communities"
    },
    {
     "name": "open_affairs_villages",
     "staged": "open_affairs_villages"
    },
    {
     "name": "community_workers",
     "staged": "community_workers"
    },
    {
     "name": "licensed_social_workers",
     "staged": "licensed_social_workers"
    }
   ],
   "domain": "grassroots",
   "flows": [],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_community",
   "table": "community"
  },
  {
   "categories": [],
   "code": "homecare",
   "columns": [
    {
     "name": "homecare_centers",
     "staged": "homecare_centers"
    },
    {
     "name": "homecare_stations",
     "staged": "homecare_stations"
    },
    {
     "name": "meal_points",
     "staged": "meal_points"
    },
    {
     "name": "home_visits_ytd",
     "staged": "home_visits_ytd"
    },
    {
     "name": "senior_contracted",
     "staged": "senior_contracted"
    },
    {
     "name": "senior_cards_ytd",
     "staged": "senior_cards_ytd"
    }
   ],
   "domain": "eldercare",
   "flows": [
    {
     "column": "home_visits_ytd",
     "flow": "home_visits",
     "programme": "homecare"
    },
    {
     "column": "senior_cards_ytd",
     "flow": "cards_issued",
     "programme": "senior_preferential"
    }
   ],
   "flows_model": null,
   "row_kind": "single",
   "staging_model": "stg_homecare",
   "table": "homecare"
  }
 ]
}
{% endraw %}{%- endset -%}
{{ return(fromjson(data)) }}
{% endmacro %}
