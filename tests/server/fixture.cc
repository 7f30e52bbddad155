#include "tests/server/fixture.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "resp/inline_split.h"
#include "sim/process.h"
#include "tests/server/render.h"

namespace codis::server::testing {

ServerFixture::ServerFixture(Config config) {
  sim::WorldOptions o;
  o.seed = 1;
  world_ = std::make_unique<sim::World>(std::move(o));
  auto& host = world_->add_host("h1");
  // The process is never started: its Env (clock, random, log) is all the engine needs, and without a
  // running cron nothing expires keys behind the test's back.
  proc_ = &world_->add_process(host, "codis-server", [](rt::Env&) -> rt::Task<void> { co_return; });
  server_ = std::make_unique<Server>(proc_->env(), std::move(config));
}

ServerFixture::~ServerFixture() {
  for (auto& c : clients_) {
    server_->remove_client(c.get());
  }
}

Client& ServerFixture::client(size_t n) {
  while (clients_.size() <= n) {
    auto c = std::make_unique<Client>();
    c->id = server_->next_client_id();
    c->authenticated = server_->config().requirepass.empty();
    server_->add_client(c.get());
    clients_.push_back(std::move(c));
  }
  return *clients_[n];
}

std::string ServerFixture::raw(std::initializer_list<std::string_view> argv, size_t n) {
  return raw_args(std::vector<std::string_view>(argv), n);
}

std::string ServerFixture::raw_args(const std::vector<std::string_view>& argv, size_t n) {
  std::string out;
  Client& c = client(n);
  resp::ReplyWriter w(&out, c.protocol);
  server_->execute(c, argv, w);
  return out;
}

std::string ServerFixture::run_args(const std::vector<std::string>& argv, size_t n) {
  std::string out;
  Client& c = client(n);
  resp::ReplyWriter w(&out, c.protocol);
  std::vector<std::string_view> v(argv.begin(), argv.end());
  server_->execute(c, v, w);
  return render_all(out);
}

std::string ServerFixture::run(std::initializer_list<std::string_view> argv, size_t n) {
  return run_args(std::vector<std::string>(argv.begin(), argv.end()), n);
}

std::string ServerFixture::cmd(std::string_view line, size_t n) {
  std::vector<std::string_view> words;
  std::string scratch;
  if (!resp::split_inline(line, words, scratch)) {
    return "<unbalanced quotes>";
  }
  return run_args(std::vector<std::string>(words.begin(), words.end()), n);
}

void ServerFixture::advance(rt::Duration d) {
  world_->run_until(world_->now() + d);
}

std::vector<TranscriptLine> load_transcript(const std::string& path) {
  std::vector<TranscriptLine> out;
  std::ifstream in(path);
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    TranscriptLine t;
    t.line_no = no;
    if (line[0] == '!') {
      t.command = line;
    } else {
      auto at = line.find(" => ");
      if (at == std::string::npos) {
        t.command = "!bad " + line;
      } else {
        t.command = line.substr(0, at);
        t.expected = line.substr(at + 4);
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

// Rendered replies as a tree, to compare "~" lines regardless of element order.
struct Node {
  std::string atom;
  std::vector<Node> kids;
  bool list = false;
};

Node parse_rendered(std::string_view s, size_t& i) {
  Node n;
  if (i < s.size() && s[i] == '[') {
    n.list = true;
    ++i;
    while (i < s.size() && s[i] != ']') {
      n.kids.push_back(parse_rendered(s, i));
      if (i < s.size() && s[i] == ',') {
        i += 2;
      }
    }
    ++i;
    return n;
  }
  size_t start = i;
  if (i < s.size() && s[i] == '\'') {
    for (++i; i < s.size() && s[i] != '\''; ++i) {
      if (s[i] == '\\') {
        ++i;
      }
    }
    ++i;
  } else {
    while (i < s.size() && s[i] != ',' && s[i] != ']') {
      ++i;
    }
  }
  n.atom = std::string(s.substr(start, i - start));
  return n;
}

std::string canonical(const Node& n) {
  if (!n.list) {
    return n.atom;
  }
  std::vector<std::string> parts;
  for (const auto& k : n.kids) {
    parts.push_back(canonical(k));
  }
  std::sort(parts.begin(), parts.end());
  std::string out = "[";
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i ? ", " : "") + parts[i];
  }
  return out + "]";
}

}  // namespace

std::string unordered(std::string_view rendered) {
  size_t i = 0;
  return canonical(parse_rendered(rendered, i));
}

std::string replay(ServerFixture& f, const std::vector<TranscriptLine>& lines) {
  std::ostringstream diffs;
  size_t client = 0;
  for (const auto& t : lines) {
    if (t.command.rfind("!advance ", 0) == 0) {
      f.advance(rt::milliseconds(std::stoll(t.command.substr(9))));
      continue;
    }
    if (t.command.rfind("!client ", 0) == 0) {
      client = std::stoul(t.command.substr(8));
      continue;
    }
    if (t.command[0] == '!') {
      if (t.command.rfind("!bad", 0) == 0) {
        diffs << "line " << t.line_no << ": malformed: " << t.command << "\n";
      }
      continue;
    }
    const bool any_order = t.command.rfind("~ ", 0) == 0;
    std::string got = f.cmd(any_order ? t.command.substr(2) : t.command, client);
    if (any_order ? unordered(got) != unordered(t.expected) : got != t.expected) {
      diffs << "line " << t.line_no << ": " << t.command << "\n  redis: " << t.expected
            << "\n  codis: " << got << "\n";
    }
  }
  return diffs.str();
}

}  // namespace codis::server::testing
