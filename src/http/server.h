// The HTTP server over rt streams: one connection served by a Session (session.h), and an accept loop that
// serves each connection in a task of its own.
#pragma once

#include "http/router.h"
#include "http/session.h"
#include "rt/env.h"
#include "rt/net.h"
#include "rt/task.h"
#include "rt/time.h"

namespace codis::http {

struct ServerOptions {
  Limits limits;
  // A connection that sends nothing for this long, or does not take a batch of responses within this long,
  // is closed (0: never).
  rt::Duration idle_timeout = rt::seconds(60);
  // After the last response of a connection: how long to wait for the client to close its side, reading
  // and dropping what it still sends, so that closing does not reset the connection before the client
  // has read the response.
  rt::Duration linger = rt::seconds(1);
};

// Serves one connection until the client leaves, a response closes it, a write fails or it idles out.
// router must outlive the task.
rt::Task<void> serve_connection(rt::Env& env, rt::StreamPtr stream, const Router& router,
                                ServerOptions options = {});

// Accepts connections and serves each one in a task of a Scope of its own, until the listener is closed
// (accept() fails with kCancelled). Destroying the task, or the listener closing, cancels every connection
// still open. A failing accept() (out of descriptors) is retried after a pause. env, listener and router
// must outlive the task.
rt::Task<void> serve(rt::Env& env, rt::Listener& listener, const Router& router, ServerOptions options = {});

}  // namespace codis::http
