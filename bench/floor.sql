-- The floor: the figures of INDICATORS.md for one period over everything, as ONE hand-written
-- SQL statement (PostgreSQL). bench/run.py times it next to compute_indicators. It computes what
-- the engine computes (medians, p90, the QoL change, per-client-year rates, the breakdowns by
-- reason, source, kind, sex and age), so that the ratio compares like with like; it uses LATERAL
-- joins and single passes where the ORM cannot.
-- Parameters (psycopg): %(first)s and %(last)s are the period's first and last day, %(tz)s the
-- project's TIME_ZONE. Datetimes are cut at local midnight, as the definitions say.
WITH
bounds AS NOT MATERIALIZED (
    SELECT
        %(first)s::date AS first,
        %(last)s::date AS last,
        (%(first)s::date)::timestamp AT TIME ZONE %(tz)s AS t0,
        (%(last)s::date + 1)::timestamp AT TIME ZONE %(tz)s AS t1
),
ep AS (
    SELECT
        count(*) FILTER (WHERE e.started_on <= b.first AND (e.ended_on IS NULL OR e.ended_on >= b.first)) AS caseload_start,
        count(*) FILTER (WHERE e.started_on <= b.last AND (e.ended_on IS NULL OR e.ended_on >= b.last)) AS caseload_end,
        count(*) FILTER (WHERE e.started_on BETWEEN b.first AND b.last) AS episodes_started,
        count(*) FILTER (WHERE e.ended_on BETWEEN b.first AND b.last) AS episodes_ended,
        count(DISTINCT e.client_id) FILTER (WHERE e.started_on <= b.last AND (e.ended_on IS NULL OR e.ended_on >= b.first)) AS clients_served,
        coalesce(sum(greatest(0, least(coalesce(e.ended_on, b.last), b.last) - greatest(e.started_on, b.first) + 1)), 0) AS client_days
    FROM outreach_episode e CROSS JOIN bounds b
),
co AS (
    SELECT
        count(*) FILTER (WHERE c.mode = 'face_to_face' AND c.outcome = 'met') AS contacts_seen,
        count(*) FILTER (WHERE c.outcome = 'not_met') AS contacts_not_met,
        coalesce(sum(c.duration_minutes) FILTER (WHERE c.mode = 'face_to_face' AND c.outcome = 'met'), 0) AS seen_minutes,
        count(*) FILTER (WHERE c.mode = 'face_to_face' AND c.outcome = 'met' AND c.location <> 'team_office') AS seen_in_community,
        count(*) FILTER (WHERE c.informal_support_present) AS informal_support_contacts
    FROM outreach_contact c CROSS JOIN bounds b
    WHERE c.started_at >= b.t0 AND c.started_at < b.t1
),
not_seen AS (
    SELECT count(*) AS clients_not_seen_30d
    FROM outreach_episode e CROSS JOIN bounds b
    WHERE e.started_on <= b.last - 30 AND (e.ended_on IS NULL OR e.ended_on >= b.last)
      AND NOT EXISTS (
          SELECT 1 FROM outreach_contact c
          WHERE c.client_id = e.client_id AND c.mode = 'face_to_face' AND c.outcome = 'met'
            AND c.started_at >= ((b.last - 29)::timestamp AT TIME ZONE %(tz)s) AND c.started_at < b.t1
      )
),
team_approach AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE staff >= 2) AS with_two
    FROM (
        SELECT c.client_id, count(DISTINCT s.user_id) AS staff
        FROM outreach_contact c CROSS JOIN bounds b
        LEFT JOIN outreach_contact_staff s ON s.contact_id = c.id
        WHERE c.mode = 'face_to_face' AND c.outcome = 'met'
          AND c.started_at >= ((b.last - 13)::timestamp AT TIME ZONE %(tz)s) AND c.started_at < b.t1
        GROUP BY c.client_id
    ) per_client
),
hs AS (
    SELECT
        count(*) FILTER (WHERE h.admitted_on BETWEEN b.first AND b.last) AS admissions,
        count(*) FILTER (WHERE h.admitted_on BETWEEN b.first AND b.last AND h.legal_status = 'involuntary') AS admissions_involuntary,
        count(*) FILTER (WHERE h.admitted_on BETWEEN b.first AND b.last AND h.legal_status = 'voluntary') AS admissions_voluntary,
        count(DISTINCT h.client_id) FILTER (WHERE h.admitted_on BETWEEN b.first AND b.last AND h.legal_status = 'involuntary') AS clients_with_involuntary_admission,
        coalesce(sum(greatest(0, least(coalesce(h.discharged_on, b.last + 1), b.last + 1) - greatest(h.admitted_on, b.first))), 0) AS bed_days
    FROM outreach_hospitalstay h CROSS JOIN bounds b
),
rl AS (
    SELECT count(*) AS relapses, count(DISTINCT r.client_id) AS clients_with_relapse
    FROM outreach_relapse r CROSS JOIN bounds b
    WHERE r.onset_on BETWEEN b.first AND b.last
),
cr AS (
    SELECT
        count(*) AS crises,
        count(*) FILTER (WHERE x.first_response_at IS NULL) AS crises_without_response,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM x.first_response_at - x.reported_at) / 3600)
            FILTER (WHERE x.first_response_at IS NOT NULL) AS crisis_response_hours_median
    FROM outreach_crisis x CROSS JOIN bounds b
    WHERE x.reported_at >= b.t0 AND x.reported_at < b.t1
),
rf AS (
    SELECT
        count(*) FILTER (WHERE r.received_at >= b.t0 AND r.received_at < b.t1) AS referrals_received,
        count(*) FILTER (WHERE r.status = 'accepted' AND r.decided_at >= b.t0 AND r.decided_at < b.t1) AS referrals_accepted,
        count(*) FILTER (WHERE r.status = 'declined' AND r.decided_at >= b.t0 AND r.decided_at < b.t1) AS referrals_declined,
        percentile_cont(0.5) WITHIN GROUP (
            ORDER BY (r.decided_at AT TIME ZONE %(tz)s)::date - (r.received_at AT TIME ZONE %(tz)s)::date
        ) FILTER (WHERE r.status IN ('accepted', 'declined') AND r.decided_at >= b.t0 AND r.decided_at < b.t1)
            AS referral_decision_days_median
    FROM referrals_referral r CROSS JOIN bounds b
),
cm AS (
    SELECT
        count(*) AS coercive_measures,
        count(DISTINCT m.client_id) AS clients_with_coercive_measure,
        count(*) FILTER (WHERE m.debriefed_on <= (m.started_at AT TIME ZONE %(tz)s)::date + 14) AS debriefed_in_14_days
    FROM outreach_coercivemeasure m CROSS JOIN bounds b
    WHERE m.started_at >= b.t0 AND m.started_at < b.t1
),
ag AS (
    SELECT
        count(*) FILTER (WHERE a.sent_on BETWEEN b.first AND b.last) AS agency_requests_sent,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY a.responded_on - a.sent_on)
            FILTER (WHERE a.responded_on BETWEEN b.first AND b.last) AS agency_response_days_median,
        count(*) FILTER (WHERE a.sent_on <= b.last - 30 AND (a.responded_on IS NULL OR a.responded_on > b.last)) AS agency_requests_open_30d
    FROM outreach_agencyrequest a CROSS JOIN bounds b
),
ms AS (
    SELECT coalesce(json_object_agg(kind, n), '{}') AS milestones_by_kind FROM (
        SELECT m.kind, count(*) AS n
        FROM outreach_milestone m CROSS JOIN bounds b
        WHERE m.achieved_on BETWEEN b.first AND b.last
        GROUP BY 1
    ) k
),
by_reason AS (
    SELECT coalesce(json_object_agg(coalesce(discharge_reason, 'None'), n), '{}') AS episodes_ended_by_reason FROM (
        SELECT e.discharge_reason, count(*) AS n
        FROM outreach_episode e CROSS JOIN bounds b
        WHERE e.ended_on BETWEEN b.first AND b.last
        GROUP BY 1
    ) k
),
by_source AS (
    SELECT coalesce(json_object_agg(source, n), '{}') AS referrals_by_source FROM (
        SELECT r.source, count(*) AS n
        FROM referrals_referral r CROSS JOIN bounds b
        WHERE r.received_at >= b.t0 AND r.received_at < b.t1
        GROUP BY 1
    ) k
),
by_kind AS (
    SELECT coalesce(json_object_agg(kind, n), '{}') AS coercive_measures_by_kind FROM (
        SELECT m.kind, count(*) AS n
        FROM outreach_coercivemeasure m CROSS JOIN bounds b
        WHERE m.started_at >= b.t0 AND m.started_at < b.t1
        GROUP BY 1
    ) k
),
first_contact AS (
    -- Days from the local date of receipt to the first seen contact on or after it, for the
    -- referrals whose first seen contact falls in the period.
    SELECT
        count(*) AS n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS first_contact_days_median,
        percentile_disc(0.9) WITHIN GROUP (ORDER BY d) AS first_contact_days_p90
    FROM (
        SELECT (f.started_at AT TIME ZONE %(tz)s)::date - (r.received_at AT TIME ZONE %(tz)s)::date AS d
        FROM referrals_referral r CROSS JOIN bounds b
        CROSS JOIN LATERAL (
            SELECT c.started_at FROM outreach_contact c
            WHERE c.client_id = r.client_id AND c.mode = 'face_to_face' AND c.outcome = 'met'
              AND c.started_at >= ((r.received_at AT TIME ZONE %(tz)s)::date::timestamp AT TIME ZONE %(tz)s)
            ORDER BY c.started_at
            LIMIT 1
        ) f
        WHERE r.client_id IS NOT NULL AND r.received_at < b.t1
          AND f.started_at >= b.t0 AND f.started_at < b.t1
    ) x
),
qol AS (
    -- Per episode overlapping the period: the first MANSA in the episode, and the last one at
    -- least 60 days later, in the episode and by the period's end.
    SELECT count(fu.score - bl.score) AS n, avg(fu.score - bl.score) AS qol_change_mean
    FROM outreach_episode e CROSS JOIN bounds b
    CROSS JOIN LATERAL (
        SELECT a.assessed_on, a.score FROM careplans_assessment a
        WHERE a.client_id = e.client_id AND a.score IS NOT NULL
          AND a.instrument_id IN (SELECT i.id FROM careplans_instrument i WHERE i.code = 'mansa')
          AND a.assessed_on >= e.started_on AND a.assessed_on <= coalesce(e.ended_on, '9999-12-31')
        ORDER BY a.assessed_on, a.id
        LIMIT 1
    ) bl
    CROSS JOIN LATERAL (
        SELECT a.score FROM careplans_assessment a
        WHERE a.client_id = e.client_id AND a.score IS NOT NULL
          AND a.instrument_id IN (SELECT i.id FROM careplans_instrument i WHERE i.code = 'mansa')
          AND a.assessed_on >= bl.assessed_on + 60
          AND a.assessed_on <= least(coalesce(e.ended_on, '9999-12-31'), b.last)
        ORDER BY a.assessed_on DESC, a.id DESC
        LIMIT 1
    ) fu
    WHERE e.started_on <= b.last AND (e.ended_on IS NULL OR e.ended_on >= b.first)
),
cohort AS (
    -- Involuntary admissions in the year before each episode overlapping the period, and during
    -- it up to the period's end, with the episode days in that span.
    SELECT count(*) AS n, sum(before) AS sum_before, sum(during) AS sum_during, sum(days) AS sum_days
    FROM (
        SELECT
            (SELECT count(*) FROM outreach_hospitalstay h
             WHERE h.client_id = e.client_id AND h.legal_status = 'involuntary'
               AND h.admitted_on BETWEEN e.started_on - 365 AND e.started_on - 1) AS before,
            (SELECT count(*) FROM outreach_hospitalstay h
             WHERE h.client_id = e.client_id AND h.legal_status = 'involuntary'
               AND h.admitted_on BETWEEN e.started_on AND least(coalesce(e.ended_on, b.last), b.last)) AS during,
            least(coalesce(e.ended_on, b.last), b.last) - e.started_on + 1 AS days
        FROM outreach_episode e CROSS JOIN bounds b
        WHERE e.started_on <= b.last AND (e.ended_on IS NULL OR e.ended_on >= b.first)
    ) x
),
flagged AS (
    -- The distinct clients served, with an involuntary admission, with a coercive measure.
    SELECT client_id, bool_or(k = 's') AS served, bool_or(k = 'i') AS involuntary, bool_or(k = 'c') AS coerced
    FROM (
        SELECT e.client_id, 's' AS k FROM outreach_episode e CROSS JOIN bounds b
        WHERE e.started_on <= b.last AND (e.ended_on IS NULL OR e.ended_on >= b.first)
        UNION ALL
        SELECT h.client_id, 'i' FROM outreach_hospitalstay h CROSS JOIN bounds b
        WHERE h.admitted_on BETWEEN b.first AND b.last AND h.legal_status = 'involuntary'
        UNION ALL
        SELECT m.client_id, 'c' FROM outreach_coercivemeasure m CROSS JOIN bounds b
        WHERE m.started_at >= b.t0 AND m.started_at < b.t1
    ) u
    GROUP BY client_id
),
by_sex_age AS (
    -- Each client's age on the period's last day: 25 or more when born on or before the same day
    -- 25 years earlier (29 February falls back to 28 February), and so on.
    SELECT json_agg(json_build_object(
        'sex', sex, 'band', band, 'served', served, 'involuntary', involuntary, 'coerced', coerced
    )) AS by_sex_age
    FROM (
        SELECT
            cl.sex,
            CASE
                WHEN cl.birth_date IS NULL THEN 'unknown'
                WHEN cl.birth_date > (b.last - interval '25 years')::date THEN '18_24'
                WHEN cl.birth_date > (b.last - interval '35 years')::date THEN '25_34'
                WHEN cl.birth_date > (b.last - interval '45 years')::date THEN '35_44'
                WHEN cl.birth_date > (b.last - interval '55 years')::date THEN '45_54'
                WHEN cl.birth_date > (b.last - interval '65 years')::date THEN '55_64'
                ELSE '65_plus'
            END AS band,
            count(*) FILTER (WHERE f.served) AS served,
            count(*) FILTER (WHERE f.involuntary) AS involuntary,
            count(*) FILTER (WHERE f.coerced) AS coerced
        FROM flagged f JOIN outreach_client cl ON cl.id = f.client_id CROSS JOIN bounds b
        GROUP BY 1, 2
    ) g
),
plans AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM careplans_planagreement p
            WHERE p.client_id = e.client_id AND p.agreed_on BETWEEN b.last - 91 AND b.last
        )) AS covered
    FROM outreach_episode e CROSS JOIN bounds b
    WHERE e.started_on <= b.last - 30 AND (e.ended_on IS NULL OR e.ended_on >= b.last)
),
discharges AS (
    -- Stays discharged in the period while the client was in care, each with the days to the
    -- first seen contact on or after the discharge date; the 72-hour and 7-day windows leave out
    -- a discharge whose window has not ended by today and that has no such contact yet.
    SELECT
        count(*) AS hospital_discharges,
        count(*) FILTER (WHERE d <= 3) AS followed_72h,
        count(*) FILTER (WHERE d <= 3 OR x.discharged_on + 3 <= t.today) AS judged_72h,
        count(*) FILTER (WHERE d <= 7) AS followed_7d,
        count(*) FILTER (WHERE d <= 7 OR x.discharged_on + 7 <= t.today) AS judged_7d,
        count(d) AS first_n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS first_days_median
    FROM (
        SELECT h.discharged_on, (f.started_at AT TIME ZONE %(tz)s)::date - h.discharged_on AS d
        FROM outreach_hospitalstay h CROSS JOIN bounds b
        LEFT JOIN LATERAL (
            SELECT c.started_at FROM outreach_contact c
            WHERE c.client_id = h.client_id AND c.mode = 'face_to_face' AND c.outcome = 'met'
              AND c.started_at >= (h.discharged_on::timestamp AT TIME ZONE %(tz)s)
            ORDER BY c.started_at
            LIMIT 1
        ) f ON true
        WHERE h.discharged_on BETWEEN b.first AND b.last
          AND EXISTS (
              SELECT 1 FROM outreach_episode e
              WHERE e.client_id = h.client_id AND e.started_on <= h.discharged_on
                AND (e.ended_on IS NULL OR e.ended_on >= h.discharged_on)
          )
    ) x CROSS JOIN (SELECT (now() AT TIME ZONE %(tz)s)::date AS today) t
),
upheld AS (
    SELECT
        count(*) AS n,
        count(*) FILTER (WHERE h.advance_statement_upheld = 'yes') AS yes
    FROM outreach_hospitalstay h CROSS JOIN bounds b
    WHERE h.admitted_on BETWEEN b.first AND b.last
      AND h.advance_statement_upheld IN ('yes', 'partly', 'no')
),
bed_cohort AS (
    -- Nights in hospital in the year before each episode of the cohort and during it.
    SELECT sum(before) AS sum_before, sum(during) AS sum_during
    FROM (
        SELECT
            (SELECT coalesce(sum(least(coalesce(h.discharged_on, e.started_on), e.started_on)
                                 - greatest(h.admitted_on, e.started_on - 365)), 0)
             FROM outreach_hospitalstay h
             WHERE h.client_id = e.client_id AND h.admitted_on <= e.started_on - 1
               AND (h.discharged_on IS NULL OR h.discharged_on > e.started_on - 365)) AS before,
            (SELECT coalesce(sum(least(coalesce(h.discharged_on, w.until + 1), w.until + 1)
                                 - greatest(h.admitted_on, e.started_on)), 0)
             FROM outreach_hospitalstay h
             WHERE h.client_id = e.client_id AND h.admitted_on <= w.until
               AND (h.discharged_on IS NULL OR h.discharged_on > e.started_on)) AS during
        FROM outreach_episode e CROSS JOIN bounds b
        CROSS JOIN LATERAL (SELECT least(coalesce(e.ended_on, b.last), b.last) AS until) w
        WHERE e.started_on <= b.last AND (e.ended_on IS NULL OR e.ended_on >= b.first)
    ) x
),
adverse AS (
    SELECT json_object_agg(k.kind, coalesce(n.n, 0)) AS adverse_events_by_kind
    FROM (VALUES ('self_harm'), ('suicide_attempt'), ('death'), ('police_involvement'),
                 ('arrest'), ('eviction')) k(kind)
    LEFT JOIN (
        SELECT a.kind, count(*) AS n FROM outreach_adverseevent a CROSS JOIN bounds b
        WHERE a.occurred_on BETWEEN b.first AND b.last GROUP BY 1
    ) n ON n.kind = k.kind
),
agency_kinds AS (
    SELECT
        json_object_agg(k.kind, coalesce(g.sent, 0)) AS agency_requests_by_kind,
        json_object_agg(k.kind, g.median) AS agency_response_days_median_by_kind,
        json_object_agg(k.kind, coalesce(g.n, 0)) AS agency_response_days_median_by_kind_n
    FROM (VALUES ('housing'), ('social_assistance'), ('health'), ('mental_health'), ('employment'),
                 ('benefits_and_documents'), ('police_and_justice'), ('education'), ('other')) k(kind)
    LEFT JOIN (
        SELECT
            coalesce(d.kind, 'other') AS kind,
            count(*) FILTER (WHERE a.sent_on BETWEEN b.first AND b.last) AS sent,
            count(*) FILTER (WHERE a.responded_on BETWEEN b.first AND b.last) AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY a.responded_on - a.sent_on)
                FILTER (WHERE a.responded_on BETWEEN b.first AND b.last) AS median
        FROM outreach_agencyrequest a CROSS JOIN bounds b
        LEFT JOIN outreach_agency d ON d.id = a.listed_agency_id
        GROUP BY 1
    ) g ON g.kind = k.kind
),
waiting AS (
    SELECT
        count(*) AS waiting_list_when_computed,
        percentile_cont(0.5) WITHIN GROUP (
            ORDER BY (now() AT TIME ZONE %(tz)s)::date - (r.received_at AT TIME ZONE %(tz)s)::date
        ) AS waiting_days_median_when_computed
    FROM referrals_referral r
    WHERE r.status = 'waitlisted'
)
-- Two objects joined: a function takes at most 100 arguments.
SELECT jsonb_build_object(
    'hospital_discharges', discharges.hospital_discharges,
    'post_discharge_followup_72h_share', discharges.followed_72h::numeric / nullif(discharges.judged_72h, 0),
    'post_discharge_followup_72h_share_n', discharges.judged_72h,
    'post_discharge_followup_7d_share', discharges.followed_7d::numeric / nullif(discharges.judged_7d, 0),
    'post_discharge_followup_7d_share_n', discharges.judged_7d,
    'post_discharge_first_contact_days_median', discharges.first_days_median,
    'post_discharge_first_contact_days_median_n', discharges.first_n,
    'advance_statement_upheld_share', upheld.yes::numeric / nullif(upheld.n, 0),
    'advance_statement_upheld_share_n', upheld.n,
    'bed_days_per_client_year_before', bed_cohort.sum_before::numeric / nullif(cohort.n, 0),
    'bed_days_per_client_year_during', bed_cohort.sum_during / nullif(cohort.sum_days / 365.0, 0),
    'adverse_events_by_kind', adverse.adverse_events_by_kind,
    'agency_requests_by_kind', agency_kinds.agency_requests_by_kind,
    'agency_response_days_median_by_kind', agency_kinds.agency_response_days_median_by_kind,
    'agency_response_days_median_by_kind_n', agency_kinds.agency_response_days_median_by_kind_n,
    'waiting_list_when_computed', waiting.waiting_list_when_computed,
    'waiting_days_median_when_computed', waiting.waiting_days_median_when_computed,
    'waiting_days_median_when_computed_n', waiting.waiting_list_when_computed
) || jsonb_build_object(
    'caseload_start', ep.caseload_start,
    'caseload_end', ep.caseload_end,
    'episodes_started', ep.episodes_started,
    'episodes_ended', ep.episodes_ended,
    'clients_served', ep.clients_served,
    'client_days', ep.client_days,
    'referrals_received', rf.referrals_received,
    'referrals_accepted', rf.referrals_accepted,
    'referrals_declined', rf.referrals_declined,
    'referral_decision_days_median', rf.referral_decision_days_median,
    'contacts_seen', co.contacts_seen,
    'contacts_not_met', co.contacts_not_met,
    'contacts_per_client_week', co.contacts_seen / nullif(ep.client_days / 7.0, 0),
    'contact_minutes_per_client_week', co.seen_minutes / nullif(ep.client_days / 7.0, 0),
    'community_contact_share', co.seen_in_community::numeric / nullif(co.contacts_seen, 0),
    'informal_support_contacts', co.informal_support_contacts,
    'clients_not_seen_30d', not_seen.clients_not_seen_30d,
    'team_approach_share', team_approach.with_two::numeric / nullif(team_approach.n, 0),
    'relapses', rl.relapses,
    'clients_with_relapse', rl.clients_with_relapse,
    'admissions', hs.admissions,
    'admissions_involuntary', hs.admissions_involuntary,
    'admissions_voluntary', hs.admissions_voluntary,
    'involuntary_admission_share', hs.admissions_involuntary::numeric / nullif(hs.admissions, 0),
    'bed_days', hs.bed_days,
    'crises', cr.crises,
    'crises_without_response', cr.crises_without_response,
    'crisis_response_hours_median', cr.crisis_response_hours_median,
    'care_plan_coverage', plans.covered::numeric / nullif(plans.n, 0),
    'clients_with_involuntary_admission', hs.clients_with_involuntary_admission,
    'coercive_measures', cm.coercive_measures,
    'clients_with_coercive_measure', cm.clients_with_coercive_measure,
    'coercion_debrief_share', cm.debriefed_in_14_days::numeric / nullif(cm.coercive_measures, 0),
    'agency_requests_sent', ag.agency_requests_sent,
    'agency_response_days_median', ag.agency_response_days_median,
    'agency_requests_open_30d', ag.agency_requests_open_30d,
    'milestones_by_kind', ms.milestones_by_kind,
    'episodes_ended_by_reason', by_reason.episodes_ended_by_reason,
    'referrals_by_source', by_source.referrals_by_source,
    'coercive_measures_by_kind', by_kind.coercive_measures_by_kind,
    'first_contact_days_median', first_contact.first_contact_days_median,
    'first_contact_days_median_n', first_contact.n,
    'first_contact_days_p90', first_contact.first_contact_days_p90,
    'qol_change_mean', qol.qol_change_mean,
    'qol_change_mean_n', qol.n,
    'involuntary_admissions_per_client_year_before', cohort.sum_before::numeric / nullif(cohort.n, 0),
    'involuntary_admissions_per_client_year_during', cohort.sum_during / nullif(cohort.sum_days / 365.0, 0),
    'by_sex_age', by_sex_age.by_sex_age
)
FROM ep, co, not_seen, team_approach, hs, rl, cr, rf, cm, ag, ms, plans,
    by_reason, by_source, by_kind, first_contact, qol, cohort, by_sex_age,
    discharges, upheld, bed_cohort, adverse, agency_kinds, waiting;
