-- Applies a batch of session contributions to the aggregates, atomically: for each, in order,
-- replaces the session's previous contribution with the new one, unless the new one is stale.
--
-- KEYS[1]  catalog hash of first-seen times     KEYS[2]  catalog hash of last-seen times
-- KEYS[3]  catalog hash of totals
-- ARGV[1]  retention in ms: a minute's (hour's, day's) counts expire this long after it, and a user's
--          bookkeeping this long after it was last written
-- ARGV[2]  the cap on distinct values per dimension hash (--maxDimensionValues)
-- ARGV[3]  the field of a missing value, ARGV[4] the field of the values over the cap
--          (DimensionName.NONE and OTHER)
-- ARGV[5]  the cap on distinct event names (--maxEventNames)
-- ARGV[6]  the metric of the events whose name is over that cap, ARGV[7] their name in the catalog
--          (RedisKeys.METRIC_OTHER_EVENTS and CATALOG_OTHER_EVENTS)
-- then, per contribution:
--   the user's session index (zset: member = session start, score = session start) for its namespace,
--   the prefix of the user's session records there (record key = prefix .. member),
--   the user's sealed hash and the field of this namespace in it,
--   session start (ms), session end (ms),
--   version (grows with the session), '1' on the final firing,
--   n, m, then n pairs (count field, count), then m triples (event name, first seen, last seen).
-- Returns, per contribution: 0 stale (nothing changed), 1 applied, 2 sealed.
--
-- Why a retry cannot double count: the record of what a session contributed is stored next to the
-- totals and changed in the same script. A firing whose version is not newer than an overlapping
-- stored session is stale (a retried bundle, a replay after restore) and changes nothing. A newer
-- one first subtracts every overlapping stored session (its predecessors: sessions merge when they
-- overlap, so anything overlapping was absorbed) and then adds itself.
--
-- Why a replay of a finished session cannot double count, however late it comes: a final firing
-- keeps no record; it raises the user's sealed horizon in the namespace to the session's end, and a
-- contribution starting before that horizon is stale. One number per user suffices because a user's
-- sessions are disjoint and finish in the order of their ends (each finishes a fixed time after its
-- end), and a new session cannot start before a finished one ends: its events would be later than
-- the allowed lateness. The horizon expires only with the retention, when the counts it protects
-- have expired too. A final firing seals even when it is stale (a session replayed only in part
-- after a restart): the stored record it overlaps is then the fuller one, and keeps its counts.
--
-- Why one call per batch, with the increments summed: records are read and written contribution by
-- contribution, so every decision is the one the contributions would get one call each; only the
-- increments to the shared aggregate hashes are summed per field and applied once at the end, which
-- leaves the same totals with far fewer commands (the sessions of one bundle share minutes, names
-- and dimension values).
--
-- Why the cap on distinct values cannot make a replacement subtract from the wrong field
-- (docs/redis-keys.md, "The cap on distinct values"): a count in the hash of a dimension goes to the
-- value's own field if that field exists or the hash has fewer than the cap of value fields, else to
-- the (other) field; a value field is never deleted, even at 0, so a value once admitted stays
-- admitted and one once refused stays refused (the hash stays full). The stored record holds where
-- each count went, and a replacement subtracts exactly that. Within a batch the decisions see the
-- fields the batch's earlier contributions admitted, so they are those of one call each.
--
-- Why the cap on distinct event names cannot make a replacement subtract from the wrong metric
-- (docs/redis-keys.md, "The cap on distinct event names"): an event name is admitted if the catalog
-- has it (KEYS[1], whose fields are never deleted) or holds fewer than the cap of names, counting
-- those this batch admitted; a name once admitted stays admitted, and one refused stays refused.
-- The counts of a refused name (count keys 'cs:cnt:e.{escaped name}:{rest}', whatever {rest} is, and
-- its catalog total) go to the overflow metric ('cs:cnt:{ARGV[6]}:{rest}') and catalog name
-- (ARGV[7]), and its first and last seen to that name's; destination() decides it, so the stored
-- record holds where each count went, as for the cap on values, which then applies in the overflow
-- metric's hashes too. A dimension backfill's contribution has no catalog entries, so a name that
-- only it counts is admitted for its batch alone; the names it counts are normally the live path's,
-- in the catalog or refused already.
--
-- A funnel results hash holds every step of every breakdown dimension ('by:{dimension}:{step}:{value}'),
-- so there the cap is per dimension and a value is admitted as a whole: by its step-1 field, which
-- every result counted by the value has, and which is kept at 0 like a dimension's value field. A
-- value refused goes to 'by:{dimension}:{step}:(other)' at every step, so the funnel's steps by value
-- stay consistent.
local first_seen, last_seen = KEYS[1], KEYS[2]
local retention_ms = tonumber(ARGV[1])
local max_values = tonumber(ARGV[2])
local NONE, OTHER = ARGV[3], ARGV[4]
local catalog_total = KEYS[3]
local max_names = tonumber(ARGV[5])
local OTHER_EVENTS, OTHER_EVENTS_NAME = ARGV[6], ARGV[7]

local delta, touched = {}, {}
local earliest, latest, names = {}, {}, {}

-- Sums n into changes[field], listing the field in 'order' when it is new: changes are applied once
-- per field, in the order first seen.
local function sum_into(changes, order, field, n)
  local before = changes[field]
  if before == nil then
    order[#order + 1] = field
    changes[field] = n
  else
    changes[field] = before + n
  end
end

local function add(field, n)
  sum_into(delta, touched, field, n)
end

local function split(field)
  local sep = string.find(field, '\n', 1, true)
  return string.sub(field, 1, sep - 1), string.sub(field, sep + 1)
end

-- A funnel results breakdown field ('cs:fr:{id}:{version}:{minute}', or a rollup's with 'h{hour}' or
-- 'd{day}' for '{minute}'; 'by:{dimension}:{step}:{value}', FunnelResultFields.reachedBy) of a value:
-- its dimension, step and value; nil for any other field.
local function breakdown_of(key, hash_field)
  if string.match(key, '^cs:fr:[^:]+:%d+:[hd]?%-?%d+$') == nil then
    return nil
  end
  local dimension, step, value = string.match(hash_field, '^by:([^:]+):(%d+):(.*)$')
  if dimension == nil or value == NONE or value == OTHER then
    return nil
  end
  return dimension, step, value
end

-- Whether a hash field is one value's field in a capped hash: a dimension's counts
-- (RedisKeys.counts: 'cs:cnt:{metric}:{dimension}:{minute}', or a rollup's as above, whose segments
-- hold no ':'), not the undivided 'all' hash, and neither the missing value nor the values over the
-- cap; or a funnel breakdown's step-1 field, by which a value is admitted as a whole (below).
local function is_value_field(key, hash_field)
  local dimension = string.match(key, '^cs:cnt:[^:]+:([^:]+):[hd]?%-?%d+$')
  if dimension ~= nil then
    return dimension ~= 'all' and hash_field ~= NONE and hash_field ~= OTHER
  end
  local _, step = breakdown_of(key, hash_field)
  return step == '1'
end

local value_fields = {} -- capped key -> its value fields: those in Redis and those this batch admitted
local routed = {}       -- count field -> where its counts go, once decided in this batch
local admitted = {}     -- count field -> true: admitted by this batch, so it must exist even at 0

local breakdown_admits = {} -- key \n dimension \n value -> whether admitted, once decided in this batch

-- How many values a funnel results hash counts in fields of their own by one dimension: its
-- step-1 fields ('by:{dimension}:1:', the marker) but the missing value's and (other).
local function breakdown_values(key, marker)
  local n = 0
  for _, f in ipairs(redis.call('HKEYS', key)) do
    if string.sub(f, 1, #marker) == marker then
      local v = string.sub(f, #marker + 1)
      if v ~= NONE and v ~= OTHER then
        n = n + 1
      end
    end
  end
  return n
end

-- Whether a funnel results hash counts a breakdown value in fields of its own (see above).
local function admits_breakdown(key, dimension, value)
  local id = key .. '\n' .. dimension .. '\n' .. value
  local decided = breakdown_admits[id]
  if decided ~= nil then
    return decided
  end
  local marker = 'by:' .. dimension .. ':1:'
  local admit = redis.call('HEXISTS', key, marker .. value) == 1
  if not admit then
    local counted = key .. '\n' .. dimension -- count keys hold no newline: no clash in value_fields
    local n = value_fields[counted]
    if n == nil then
      n = breakdown_values(key, marker)
    end
    if n < max_values then
      admit = true
      admitted[key .. '\n' .. marker .. value] = true
      n = n + 1
    end
    value_fields[counted] = n
  end
  breakdown_admits[id] = admit
  return admit
end

local name_admits = {} -- event name -> whether admitted, once decided in this batch
local catalog_names    -- names in the catalog and those this batch admitted, once read

-- Whether an event name's counts go to a metric of its own (see above).
local function admits_name(name)
  local decided = name_admits[name]
  if decided ~= nil then
    return decided
  end
  local admit = redis.call('HEXISTS', first_seen, name) == 1
  if not admit then
    if catalog_names == nil then
      catalog_names = redis.call('HLEN', first_seen) - redis.call('HEXISTS', first_seen, OTHER_EVENTS_NAME)
    end
    if catalog_names < max_names then
      admit = true
      catalog_names = catalog_names + 1
    end
  end
  name_admits[name] = admit
  return admit
end

-- The event name RedisKeys.escape made a key segment of: each '%XX' is one byte, the rest as is.
local function unescape(segment)
  return (string.gsub(segment, '%%(%x%x)', function(hex)
    return string.char(tonumber(hex, 16))
  end))
end

-- A count's key and hash field, or the overflow's if it counts an event name that is refused.
local function event_destination(key, hash_field)
  if key == catalog_total then
    if admits_name(hash_field) then
      return key, hash_field
    end
    return key, OTHER_EVENTS_NAME
  end
  -- Only the metric segment: the segments after it are the dimension and a time bucket of any kind.
  local segment, rest = string.match(key, '^cs:cnt:e%.([^:]+):(.*)$')
  if segment ~= nil and not admits_name(unescape(segment)) then
    return 'cs:cnt:' .. OTHER_EVENTS .. ':' .. rest, hash_field
  end
  return key, hash_field
end

-- Where a count for the count field goes: the field itself, the overflow metric's field if its
-- event name is refused, or the (other) field of the hash it then falls in.
local function destination(field)
  local to = routed[field]
  if to then
    return to
  end
  local key, hash_field = event_destination(split(field))
  to = key .. '\n' .. hash_field
  local dimension, step, value = breakdown_of(key, hash_field)
  if dimension ~= nil then
    if not admits_breakdown(key, dimension, value) then
      to = key .. '\n' .. 'by:' .. dimension .. ':' .. step .. ':' .. OTHER
    end
  elseif is_value_field(key, hash_field) and redis.call('HEXISTS', key, hash_field) == 0 then
    local n = value_fields[key]
    if n == nil then
      n = redis.call('HLEN', key) - redis.call('HEXISTS', key, NONE) - redis.call('HEXISTS', key, OTHER)
    end
    if n < max_values then
      admitted[to] = true
      n = n + 1
    else
      to = key .. '\n' .. OTHER
    end
    value_fields[key] = n
  end
  routed[field] = to
  return to
end

local function subtract_and_delete(key)
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    -- Counts live under '_'-free fields (they start with the key prefix); bookkeeping under '_'.
    if string.sub(fields[i], 1, 1) ~= '_' then
      add(fields[i], -tonumber(fields[i + 1]))
    end
  end
  redis.call('DEL', key)
end

-- Commands with many arguments go in slices that stay well inside Lua's stack for unpack.
local SLICE = 1000

local function hset_all(key, pairs_list)
  for from = 1, #pairs_list, SLICE do
    redis.call('HSET', key, unpack(pairs_list, from, math.min(from + SLICE - 1, #pairs_list)))
  end
end

local function hmget_all(key, fields)
  local values = {}
  for from = 1, #fields, SLICE do
    local got = redis.call('HMGET', key, unpack(fields, from, math.min(from + SLICE - 1, #fields)))
    for i = 1, #got do
      values[from + i - 1] = got[i]
    end
  end
  return values
end

local function apply(at)
  local index, prefix, sealed_key, namespace = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local member = ARGV[at + 4]
  local start, stop, version = tonumber(ARGV[at + 4]), tonumber(ARGV[at + 5]), tonumber(ARGV[at + 6])
  local last, n, m = ARGV[at + 7] == '1', tonumber(ARGV[at + 8]), tonumber(ARGV[at + 9])
  local counts_at = at + 10
  local seen_at = counts_at + 2 * n
  local record = prefix .. member

  local sealed = redis.call('HGET', sealed_key, namespace)
  if sealed and start < tonumber(sealed) then
    return 0
  end

  local predecessors, stale = {}, false
  for _, p in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. stop)) do
    local key = prefix .. p
    local meta = redis.call('HMGET', key, '_end', '_ver')
    if not meta[1] then
      redis.call('ZREM', index, p)
    elseif tonumber(meta[1]) > start then
      stale = stale or tonumber(meta[2]) >= version
      predecessors[#predecessors + 1] = p
    end
  end
  if stale and not last then
    return 0
  end

  for _, p in ipairs(predecessors) do
    redis.call('ZREM', index, p)
    if stale then
      -- Only a final firing gets here stale: it keeps the fuller counts and drops the records.
      redis.call('DEL', prefix .. p)
    else
      subtract_and_delete(prefix .. p)
    end
  end
  if not stale then
    -- Summed per destination first: values over the cap share one (other) field in the record.
    local sums, destinations = {}, {}
    for i = counts_at, seen_at - 1, 2 do
      local to, n = destination(ARGV[i]), tonumber(ARGV[i + 1])
      if sums[to] == nil then
        destinations[#destinations + 1] = to
        sums[to] = n
      else
        sums[to] = sums[to] + n
      end
    end
    local fields = {}
    for _, to in ipairs(destinations) do
      add(to, sums[to])
      fields[#fields + 1] = to
      fields[#fields + 1] = sums[to]
    end
    for i = seen_at, seen_at + 3 * m - 1, 3 do
      local name, first, latest_ts = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
      if not admits_name(name) then
        name = OTHER_EVENTS_NAME
      end
      if earliest[name] == nil then
        names[#names + 1] = name
        earliest[name], latest[name] = first, latest_ts
      else
        earliest[name] = math.min(earliest[name], first)
        latest[name] = math.max(latest[name], latest_ts)
      end
    end
    if not last then
      redis.call('DEL', record)
      fields[#fields + 1] = '_end'
      fields[#fields + 1] = stop
      fields[#fields + 1] = '_ver'
      fields[#fields + 1] = version
      hset_all(record, fields)
      redis.call('PEXPIRE', record, retention_ms)
      redis.call('ZADD', index, start, member)
      redis.call('PEXPIRE', index, retention_ms)
    end
  end
  if not last then
    return 1
  end
  if not sealed or tonumber(sealed) < stop then
    redis.call('HSET', sealed_key, namespace, stop)
  end
  redis.call('PEXPIRE', sealed_key, retention_ms)
  return 2
end

local outcomes = {}
local at = 8
while at <= #ARGV do
  outcomes[#outcomes + 1] = apply(at)
  at = at + 10 + 2 * tonumber(ARGV[at + 8]) + 3 * tonumber(ARGV[at + 9])
end

-- Every bucketed key ends in ':{epoch minute}', ':h{epoch hour}' or ':d{epoch day}' (RedisKeys,
-- CountPeriod); the catalog's keys do not.
local PERIOD_MS = { [''] = 60000, h = 3600000, d = 86400000 }
-- The rollups (docs/redis-keys.md, "Rollups"): the batch's net change of each minute's field, once
-- routed, is also the change of its hour's and its day's hash. A rollup caps values by its own
-- fields, and decides by what it holds, as a minute's does by its session records: a value counted
-- in its own field there stays so (fields that count values are never deleted); a value refused has
-- no field, and a rollup that ever refused one admits no new value, so a change to it later goes to
-- (other) as well, even under a higher cap. So each rollup's value field is the sum of that value's
-- fields in its minutes, (other) the rest, and a retried or replayed batch changes the rollups
-- exactly as it changes the minutes: nothing.
local ROLLUPS = { { tag = 'h', minutes = 60 }, { tag = 'd', minutes = 1440 } }
local rollup_delta, rollup_touched, rollup_admitted = {}, {}, {}
local rollup_values = {} -- rollup key (\n dimension for a breakdown) -> value fields, once counted
local refusals = {}      -- refusal key -> its rollup key: rollups that refused a value in this batch

-- The key remembering that a rollup refused a value (docs/redis-keys.md): 'cs:cnt:…' or 'cs:fr:…'
-- becomes 'cs:refused:cnt:…' or 'cs:refused:fr:…' (and ':{dimension}' for a funnel breakdown).
local function refusals_key(key)
  return 'cs:refused:' .. string.sub(key, 4)
end

local function add_rollup(field, n)
  sum_into(rollup_delta, rollup_touched, field, n)
end

-- Whether a rollup counts a value in a field of its own ('marker', a breakdown's step-1 field): it
-- has it, or, when the change adds, has room: fewer than the cap, and it never refused a value. A
-- refusal is remembered in a key of its own ('refused', refusals_key), which expires with the
-- rollup.
local function rollup_admits(key, id, marker, refused, count, adding)
  if rollup_admitted[key .. '\n' .. marker] or redis.call('HEXISTS', key, marker) == 1 then
    return true
  end
  if not adding then
    return false
  end
  local n = rollup_values[id]
  if n == nil then
    n = redis.call('EXISTS', refused) == 1 and max_values or count()
  end
  local admit = n < max_values
  if admit then
    n = n + 1
    rollup_admitted[key .. '\n' .. marker] = true
    add_rollup(key .. '\n' .. marker, 0)
  elseif not refusals[refused] then
    refusals[refused] = key
  end
  rollup_values[id] = n
  return admit
end

-- Where a minute's change to 'hash_field' goes in the rollup 'key'.
local function rollup_destination(key, hash_field, adding)
  local dimension, step, value = breakdown_of(key, hash_field)
  if dimension ~= nil then
    local marker = 'by:' .. dimension .. ':1:'
    local admit = rollup_admits(key, key .. '\n' .. dimension, marker .. value,
      refusals_key(key) .. ':' .. dimension, function() return breakdown_values(key, marker) end,
      adding)
    return admit and hash_field or 'by:' .. dimension .. ':' .. step .. ':' .. OTHER
  end
  if is_value_field(key, hash_field) then
    local admit = rollup_admits(key, key, hash_field, refusals_key(key), function()
      return redis.call('HLEN', key) - redis.call('HEXISTS', key, NONE) - redis.call('HEXISTS', key, OTHER)
    end, adding)
    return admit and hash_field or OTHER
  end
  return hash_field
end

local function mirror_to_rollups(key, hash_field, n, adding)
  local prefix, minute = string.match(key, '^(cs:cnt:.*:)(%-?%d+)$')
  if prefix == nil then
    prefix, minute = string.match(key, '^(cs:fr:.*:)(%-?%d+)$')
  end
  if prefix == nil then
    return
  end
  for _, rollup in ipairs(ROLLUPS) do
    local rollup_key = prefix .. rollup.tag .. math.floor(tonumber(minute) / rollup.minutes)
    add_rollup(rollup_key .. '\n' .. rollup_destination(rollup_key, hash_field, adding), n)
  end
end

for _, field in ipairs(touched) do
  local n = delta[field]
  if n ~= 0 or admitted[field] then
    local key, hash_field = split(field)
    mirror_to_rollups(key, hash_field, n, n >= 0)
  end
end

-- Applies summed changes; a field back at 0 is deleted unless it keeps a value admitted.
local expiring = {}
local function apply_changes(fields, changes, kept)
  for _, field in ipairs(fields) do
    local n = changes[field]
    if n ~= 0 or kept[field] then
      local key, hash_field = split(field)
      if redis.call('HINCRBY', key, hash_field, n) == 0 and not is_value_field(key, hash_field) then
        redis.call('HDEL', key, hash_field)
      end
      expiring[key] = true
    end
  end
end
apply_changes(touched, delta, admitted)
apply_changes(rollup_touched, rollup_delta, rollup_admitted)
for refused, rollup in pairs(refusals) do
  redis.call('SET', refused, '1')
  expiring[refused] = rollup
end
for key, rollup in pairs(expiring) do
  -- A refusal key expires with its rollup (the value its entry holds); a hash by its own name.
  local period, index = string.match(rollup == true and key or rollup, ':([hd]?)(%-?%d+)$')
  if index then
    -- In the past for a period older than the retention: Redis then deletes the key at once.
    redis.call('PEXPIREAT', key, (tonumber(index) + 1) * PERIOD_MS[period] + retention_ms)
  end
end

if #names > 0 then
  local known_first = hmget_all(first_seen, names)
  local known_last = hmget_all(last_seen, names)
  for i, name in ipairs(names) do
    if not known_first[i] or tonumber(known_first[i]) > earliest[name] then
      redis.call('HSET', first_seen, name, earliest[name])
    end
    if not known_last[i] or tonumber(known_last[i]) < latest[name] then
      redis.call('HSET', last_seen, name, latest[name])
    end
  end
end
return outcomes
