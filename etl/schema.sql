-- Canonical warehouse model. Documented column by column in docs/data-model.md.
-- Every statement is idempotent so that opening an older warehouse upgrades it in place.

create table if not exists meta (
    key varchar primary key,
    value varchar
);

-- One row per administrative unit *as it existed in a period*. Codes are reused across periods
-- (a new commune takes one predecessor's code), so the key is agency_id, never code alone.
create table if not exists agencies (
    agency_id varchar primary key,        -- e.g. 'xa:05443@2025-07-01', 'so:noi-vu', 'src:nyc:NYCC48'
    code varchar,                         -- official GSO code as text (leading zeros kept), null for departments
    name varchar not null,                -- official name, NFC ('Phường Phan Đình Phùng')
    short_name varchar,                   -- 'Phan Đình Phùng'
    level varchar not null,               -- code of codebook section level (cchc/codebook.yaml)
    unit_type varchar,                    -- sở, ban, thanh tra, thành phố, huyện, phường, xã, thị trấn ...
    parent_id varchar,                    -- district for an old commune; province for the rest
    province_name varchar,                -- 'Tỉnh Thái Nguyên' or 'Tỉnh Bắc Kạn' (old)
    valid_from date,                      -- null = since before the data starts
    valid_to date,                        -- null = still exists; else last day it existed
    successor_id varchar,                 -- primary successor for roll-up (null for abolished districts)
    current_id varchar,                   -- today's unit this rolls up to (itself when current)
    source varchar                        -- which reference file or mapping created it
);

-- All successor pairs, including the three old communes split between two new ones.
create table if not exists agency_successors (
    agency_id varchar not null,
    successor_id varchar not null,
    is_primary boolean not null,
    primary key (agency_id, successor_id)
);

-- Normalised spellings that resolve to an agency; several units may share an alias
-- (resolved by validity on the event date, then by district qualifier).
create table if not exists agency_aliases (
    alias_norm varchar not null,
    agency_id varchar not null,
    primary key (alias_norm, agency_id)
);

create sequence if not exists batch_seq start 1;

create table if not exists load_batches (
    batch_id integer primary key,
    file_name varchar not null,           -- base name as given by the user
    file_sha256 varchar not null,
    archive_path varchar,                 -- archive/<sha256><ext>, relative to the warehouse folder
    kind varchar not null,                -- code of codebook section file_kind
    mapping_name varchar not null,
    mapping_archive_path varchar,         -- archive/mappings/<sha256>.yaml: the mapping used, for rebuilds
    source varchar not null,              -- ID namespace of the mapping
    loaded_at timestamp not null,
    rows_in integer not null,
    rows_loaded integer not null,
    rows_updated integer not null,
    rows_unchanged integer not null,
    rows_rejected integer not null,
    min_event_date date,
    max_event_date date
);

create table if not exists rejected_rows (
    batch_id integer not null,
    file_name varchar not null,
    row_number integer not null,          -- as the user sees it in Excel / a text editor (header row counted)
    column_name varchar,                  -- source header of the offending cell, if any
    raw_value varchar,                    -- offending cell only (never a whole row: it may hold personal data)
    error_type varchar not null,          -- code of codebook section rejection_type, e.g. 'missing-id'
    reason_vi varchar not null,
    reason_en varchar not null
);

create table if not exists complaints (
    source varchar not null,              -- ID namespace (mapping 'source')
    complaint_id varchar not null,        -- ID as in the export
    received_at timestamp not null,
    received_date date not null,
    channel varchar,                      -- code of codebook section channel (cchc/codebook.yaml)
    kind varchar,                         -- code of codebook section kind
    category varchar,                     -- codebook section category when the mapping knows it, else cleaned text
    subcategory varchar,
    agency_id varchar not null,
    agency_name_raw varchar,              -- the spelling in the export (audit)
    status varchar not null,              -- code of codebook section status
    is_open boolean not null,             -- not resolved, transferred or out of remit
    in_remit boolean not null,            -- false for transferred / out of remit: left out of on-time rates
    due_date date,
    due_source varchar,                   -- export | rule | null (no due date known)
    resolved_at timestamp,
    resolved_date date,
    resolution_calendar_days integer,     -- resolved_date - received_date
    resolution_working_days integer,      -- Mon-Fri minus Vietnamese public holidays, [received, resolved)
    is_on_time boolean,                   -- cchc.rules.is_on_time: resolved_date <= due_date within remit; null when open, no due date or outside remit
    satisfaction varchar,                 -- code of codebook section satisfaction
    satisfaction_score tinyint,           -- 5..1
    content_masked varchar,               -- free text with phones, ID numbers and e-mails masked
    citizen_hash varchar,                 -- salted hash of the person's identifiers; the salt is not in the warehouse
    row_hash varchar not null,            -- hash of the canonical values, to tell updated from unchanged
    first_batch_id integer not null,
    last_batch_id integer not null,
    primary key (source, complaint_id)
);

create table if not exists inspections (
    source varchar not null,
    inspection_id varchar not null,
    inspected_on date not null,
    inspection_type varchar not null,     -- code of codebook section inspection_type
    team varchar,                         -- inspection team / decision
    lead_unit varchar,
    agency_id varchar not null,
    agency_name_raw varchar,
    officials_checked integer,
    row_hash varchar not null,
    first_batch_id integer not null,
    last_batch_id integer not null,
    primary key (source, inspection_id)
);

create table if not exists violations (
    source varchar not null,
    violation_id varchar not null,        -- finding ID from the export, else '<inspection_id>#<n>'
    inspection_id varchar not null,
    category varchar not null,            -- code of codebook section violation_category
    description_masked varchar,
    officials_involved integer,
    handling varchar,                     -- code of codebook section handling
    recommendation_masked varchar,
    remedy_due date,
    remedied_on date,
    row_hash varchar not null,
    first_batch_id integer not null,
    last_batch_id integer not null,
    primary key (source, violation_id)
);

-- Added with issue 14 (idempotent upgrades of older warehouses).
alter table load_batches add column if not exists rows_footer integer;           -- total / signature rows at the end
alter table load_batches add column if not exists content_withheld integer;      -- texts not stored: denunciation or kind unknown
alter table load_batches add column if not exists rejections_not_stored integer; -- reasons past max_rejections_stored

-- Issue 17: the annual public-service inspection plan (kế hoạch kiểm tra công vụ năm), one row per
-- planned inspection or self-inspection report, loaded by `python -m etl plan` (etl/plan.py) with
-- its own mapping (etl/mappings/plan/). Additive: no existing table changes.
create table if not exists inspection_plans (
    source varchar not null,              -- ID namespace of the plan mapping
    plan_id varchar not null,             -- ID in the file (a bare row number becomes '<year>-<n>')
    plan_year integer not null,
    plan_quarter tinyint not null,        -- 1..4 (from the month when the file gives a month)
    plan_month tinyint,                   -- 1..12 when the file gives a month, else null
    period_start date not null,           -- first day of the planned quarter or month
    due_date date not null,               -- last day of the planned quarter or month
    inspection_type varchar not null,     -- codebook inspection_type: planned | joint | self
    lead_unit varchar,
    agency_id varchar not null,
    agency_name_raw varchar,
    topic_masked varchar,                 -- free text with phones, ID numbers and e-mails masked
    row_hash varchar not null,
    first_batch_id integer not null,
    last_batch_id integer not null,
    primary key (source, plan_id)
);
