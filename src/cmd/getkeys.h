// Key functions for the commands whose keys Redis finds with a getkeys procedure (db.c): what extract_keys
// falls back to when a command's key specs cannot answer. Each mirrors its Redis procedure, except that a
// malformed argument is reported as the error the command itself would reply instead of "no keys".
#pragma once

#include <span>
#include <string_view>

#include "cmd/key_list.h"

namespace codis::cmd::getkeys {

using Argv = std::span<const std::string_view>;

// <cmd> script numkeys key... arg...  (EVAL, EVALSHA, FCALL and their _RO forms)
KeysError eval(Argv argv, KeyList& out);
KeysError eval_ro(Argv argv, KeyList& out);
// ZUNION/ZINTER/ZDIFF/ZINTERCARD numkeys key...; ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE dest numkeys key...
KeysError zset_numkeys(Argv argv, KeyList& out);
KeysError zset_store_numkeys(Argv argv, KeyList& out);
// SINTERCARD numkeys key...
KeysError sintercard(Argv argv, KeyList& out);
// LMPOP/ZMPOP numkeys key...; BLMPOP/BZMPOP timeout numkeys key...
KeysError mpop(Argv argv, KeyList& out);
KeysError bmpop(Argv argv, KeyList& out);
// SORT key [BY p] [LIMIT o c] [GET p]... [STORE dest]; SORT_RO key ...
KeysError sort(Argv argv, KeyList& out);
KeysError sort_ro(Argv argv, KeyList& out);
// MIGRATE host port key|"" db timeout [COPY] [REPLACE] [AUTH pw|AUTH2 user pw] [KEYS key...]
KeysError migrate(Argv argv, KeyList& out);
// GEORADIUS/GEORADIUSBYMEMBER key ... [STORE dest|STOREDIST dest]
KeysError georadius(Argv argv, KeyList& out);
// XREAD/XREADGROUP [options] STREAMS key... id...
KeysError xread(Argv argv, KeyList& out);
// SET key value [... GET]: read-write with GET, overwrite without.
KeysError set(Argv argv, KeyList& out);
// BITFIELD key [GET|SET|INCRBY|OVERFLOW ...]: read-only when every operation is a GET.
KeysError bitfield(Argv argv, KeyList& out);

}  // namespace codis::cmd::getkeys
