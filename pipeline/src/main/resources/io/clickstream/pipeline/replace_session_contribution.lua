-- Replaces a session's contribution to the aggregates with a newer one, atomically.
--
-- KEYS[1]  the user's session index (zset: member = session start, score = session start)
-- KEYS[2]  catalog hash of first-seen times
-- KEYS[3]  catalog hash of last-seen times
-- ARGV[1]  prefix of the user's session records (record key = prefix .. member)
-- ARGV[2]  session start (ms)      ARGV[3] session end (ms)
-- ARGV[4]  version (grows with the session; 0 = a final firing that carried no events)
-- ARGV[5]  '1' on the final firing  ARGV[6] seconds a final session's tombstone is kept
-- ARGV[7]  n, then n pairs (count field, count), then triples (event name, first seen, last seen)
--
-- Why a retry cannot double count: the record of what a session contributed is stored next to the
-- totals and changed in the same script. A firing whose version is not newer than an overlapping
-- stored session is stale (a retried bundle, a replay after restore) and changes nothing. A newer
-- one first subtracts every overlapping stored session (its predecessors: Beam merges overlapping
-- sessions, so anything overlapping was absorbed) and then adds itself.
local index, first_seen, last_seen = KEYS[1], KEYS[2], KEYS[3]
local prefix = ARGV[1]
local member = ARGV[2]
local start, stop, version = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local last, tombstone_ttl, n = ARGV[5] == '1', tonumber(ARGV[6]), tonumber(ARGV[7])
local record = prefix .. member

local function increment(field, delta)
  local sep = string.find(field, '\n', 1, true)
  local key, hash_field = string.sub(field, 1, sep - 1), string.sub(field, sep + 1)
  if redis.call('HINCRBY', key, hash_field, delta) == 0 then
    redis.call('HDEL', key, hash_field)
  end
end

-- Counts live under '_'-free fields (they start with the key prefix); bookkeeping under '_'.
local function subtract_and_delete(key)
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 1) ~= '_' then
      increment(fields[i], -tonumber(fields[i + 1]))
    end
  end
  redis.call('DEL', key)
end

local function keep_as_tombstone(key, end_ms, ver)
  redis.call('DEL', key)
  redis.call('HSET', key, '_end', end_ms, '_ver', ver, '_last', '1')
  redis.call('EXPIRE', key, tombstone_ttl)
end

-- The index outlives its sessions only while every member is a tombstone.
local function expire_index_if_only_tombstones()
  for _, m in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    if redis.call('HGET', prefix .. m, '_last') ~= '1' then
      redis.call('PERSIST', index)
      return
    end
  end
  redis.call('EXPIRE', index, tombstone_ttl)
end

local predecessors = {}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. stop)) do
  local key = prefix .. m
  local meta = redis.call('HMGET', key, '_end', '_ver', '_last')
  if not meta[1] then
    redis.call('ZREM', index, m)
  elseif tonumber(meta[1]) > start then
    local stored = tonumber(meta[2])
    if version == 0 or stored >= version then
      if last and meta[3] ~= '1' and m == member and (version == 0 or stored == version) then
        keep_as_tombstone(key, meta[1], stored)
        expire_index_if_only_tombstones()
        return 2
      end
      return 0
    end
    table.insert(predecessors, key)
  end
end
if version == 0 then
  return 0
end

for _, key in ipairs(predecessors) do
  subtract_and_delete(key)
end
for _, key in ipairs(predecessors) do
  redis.call('ZREM', index, string.sub(key, #prefix + 1))
end

if not last then
  redis.call('DEL', record)
  redis.call('HSET', record, '_end', stop, '_ver', version)
end
local i = 8
for _ = 1, n do
  increment(ARGV[i], tonumber(ARGV[i + 1]))
  if not last then
    redis.call('HSET', record, ARGV[i], ARGV[i + 1])
  end
  i = i + 2
end
while i <= #ARGV do
  local name, first, latest = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local known_first = redis.call('HGET', first_seen, name)
  if not known_first or tonumber(known_first) > first then
    redis.call('HSET', first_seen, name, first)
  end
  local known_last = redis.call('HGET', last_seen, name)
  if not known_last or tonumber(known_last) < latest then
    redis.call('HSET', last_seen, name, latest)
  end
  i = i + 3
end

redis.call('ZADD', index, start, member)
if last then
  keep_as_tombstone(record, stop, version)
  expire_index_if_only_tombstones()
else
  redis.call('PERSIST', index)
end
return 1
