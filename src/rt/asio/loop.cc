#include "rt/asio/loop.h"

namespace codis::rt::asio {

Loop::Loop(size_t i, Random r, LogSink& sink, LogLevel level)
    : index(i), random(r), log(sink, i, level), env{clock, exec, net, disk, random, buggify, log} {}

}  // namespace codis::rt::asio
