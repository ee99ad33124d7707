// The backplane's atomic steps, as Lua scripts Redis runs whole: a name claim can never interleave with
// another node's claim, a lease check or a reaping. Every key lives under one prefix (KEYS[1]).
//
//   {p}nodes          set of live node names
//   {p}lease:{node}   a node's lease (PX); a node whose lease is gone is reaped
//   {p}users          hash: name → {"node","seq","can"} for every user online anywhere
//   {p}held:{node}    set: the names a node holds
//   {p}seq            counter: the cluster's login order
//   {p}accounts       hash: name → bcrypt hash
//   {p}channels       set of channel names
//   {p}dialler        the node that dials federation peers for the cluster (PX)
//   {p}bus            pub/sub: events for every node (who is online, which channels each node holds members of)
//   {p}to:{node}      pub/sub: messages for one node's users (only those it wants), and answers to it alone

/** Shared by the scripts: remove every node whose lease ran out, with its names, and tell everyone. */
const REAP = `
local p = KEYS[1]
local function reap(origin)
  for _, dead in ipairs(redis.call('SMEMBERS', p .. 'nodes')) do
    if redis.call('EXISTS', p .. 'lease:' .. dead) == 0 then
      for _, name in ipairs(redis.call('SMEMBERS', p .. 'held:' .. dead)) do
        local held = redis.call('HGET', p .. 'users', name)
        if held and cjson.decode(held).node == dead then redis.call('HDEL', p .. 'users', name) end
      end
      redis.call('DEL', p .. 'held:' .. dead)
      redis.call('SREM', p .. 'nodes', dead)
      redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'nodeGone', node = dead, origin = origin}))
    end
  end
end
`;

/** ARGV: node, leaseMs → 1 if the lease was live, 0 if it had lapsed (the node must claim its names again). */
export const RENEW = `
local p = KEYS[1]
local live = redis.call('PEXPIRE', p .. 'lease:' .. ARGV[1], ARGV[2])
if live == 0 then redis.call('SET', p .. 'lease:' .. ARGV[1], '1', 'PX', ARGV[2]) end
redis.call('SADD', p .. 'nodes', ARGV[1])
return live
`;

/** ARGV: node → reaps the nodes whose lease is gone. */
export const REAP_DEAD = `${REAP}
reap(ARGV[1])
return 0
`;

/**
 * ARGV: node, user, from ('' unless a rename), can, maxUsers, reap (1: reap dead nodes first) →
 * {'granted', seq} | {'taken'} | {'full'} | {'failed'} (this node's lease lapsed, or it does not hold `from`).
 */
export const CLAIM = `${REAP}
local node, user, from, can, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
if ARGV[6] == '1' then reap(node) end
if redis.call('EXISTS', p .. 'lease:' .. node) == 0 then return {'failed'} end
if redis.call('HEXISTS', p .. 'users', user) == 1 then return {'taken'} end
local seq
if from ~= '' then
  local old = redis.call('HGET', p .. 'users', from)
  if not old or cjson.decode(old).node ~= node then return {'failed'} end
  seq = cjson.decode(old).seq
  redis.call('HDEL', p .. 'users', from)
  redis.call('SREM', p .. 'held:' .. node, from)
else
  if redis.call('HLEN', p .. 'users') >= max then return {'full'} end
  seq = redis.call('INCR', p .. 'seq')
end
redis.call('HSET', p .. 'users', user, cjson.encode({node = node, seq = seq, can = can}))
redis.call('SADD', p .. 'held:' .. node, user)
if from ~= '' then
  redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'renamed', node = node, origin = node, from = from, to = user}))
else
  redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'online', node = node, origin = node, user = user, seq = seq, can = can}))
end
return {'granted', seq}
`;

/** ARGV: node, user, how → gives the name back if this node holds it, and tells everyone. */
export const RELEASE = `
local p = KEYS[1]
local node, user = ARGV[1], ARGV[2]
local held = redis.call('HGET', p .. 'users', user)
if not held or cjson.decode(held).node ~= node then return 0 end
redis.call('HDEL', p .. 'users', user)
redis.call('SREM', p .. 'held:' .. node, user)
redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'offline', node = node, origin = node, user = user, how = ARGV[3]}))
return 1
`;

/**
 * ARGV: node, then name, seq, can for each user this node holds → claims again the names it holds here but not in
 * Redis (it was reaped after its lease lapsed). Returns the names another node took meanwhile.
 */
export const REASSERT = `
local p = KEYS[1]
local node = ARGV[1]
local lost = {}
for i = 2, #ARGV, 3 do
  local user, seq, can = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2]
  local held = redis.call('HGET', p .. 'users', user)
  if held and cjson.decode(held).node ~= node then
    table.insert(lost, user)
  elseif not held then
    redis.call('HSET', p .. 'users', user, cjson.encode({node = node, seq = seq, can = can}))
    redis.call('SADD', p .. 'held:' .. node, user)
    redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'online', node = node, origin = node, user = user, seq = seq, can = can}))
  end
end
return lost
`;

/** ARGV: node, name, hash → 1 if the account is new (and everyone is told), 0 if the name is registered already. */
export const PUT_ACCOUNT = `
local p = KEYS[1]
if redis.call('HSETNX', p .. 'accounts', ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'account', origin = ARGV[1], user = ARGV[2], hash = ARGV[3]}))
return 1
`;

/** ARGV: node, name → 1 if the channel is new (and everyone is told), 0 if it exists already. */
export const PUT_CHANNEL = `
local p = KEYS[1]
if redis.call('SADD', p .. 'channels', ARGV[2]) == 0 then return 0 end
redis.call('PUBLISH', p .. 'bus', cjson.encode({kind = 'channel', origin = ARGV[1], channel = ARGV[2]}))
return 1
`;

/** ARGV: node, leaseMs → 1 while this node is the one that dials federation peers (one node dials for the cluster). */
export const DIALLER = `
local p = KEYS[1]
local holder = redis.call('GET', p .. 'dialler')
if not holder then
  redis.call('SET', p .. 'dialler', ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', p .. 'dialler', ARGV[2])
  return 1
end
return 0
`;
