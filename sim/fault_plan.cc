#include "sim/fault_plan.h"

#include <cstdio>

namespace codis::sim {

namespace {
std::string ms(rt::Duration d) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3fms", static_cast<double>(d.count()) / 1e6);
  return b;
}
std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}
}  // namespace

FaultPlan FaultPlan::none() {
  return FaultPlan{};
}

FaultPlan FaultPlan::draw(rt::Random r) {
  FaultPlan p;
  // Every knob is drawn even when its fault class ends up off, so turning one class off in a rerun does
  // not shift the draws of the others.
  p.shuffle_ties = r.chance(0.5);
  p.buggify = r.chance(0.5);
  p.chaos = r.uniform(rt::Duration(rt::seconds(5)), rt::Duration(rt::seconds(20)));

  p.net.latency_min = r.uniform(rt::Duration(rt::microseconds(50)), rt::Duration(rt::microseconds(200)));
  p.net.latency_max = p.net.latency_min + r.uniform(rt::Duration(0), rt::Duration(rt::milliseconds(2)));
  p.net.tail_chance = r.chance(0.5) ? r.real01() * 0.01 : 0.001;
  p.net.tail_max = r.uniform(rt::Duration(rt::milliseconds(10)), rt::Duration(rt::milliseconds(200)));
  p.net.pair_extra_max =
      r.chance(0.3) ? r.uniform(rt::Duration(0), rt::Duration(rt::milliseconds(100))) : rt::Duration(0);
  p.net.max_segment = r.chance(0.1) ? r.uniform(1, 16) : r.uniform(1024, 64 * 1024);
  p.net.send_buffer_min = r.uniform(1024, 64 * 1024);
  p.net.send_buffer_max = p.net.send_buffer_min + r.uniform(0, 4 * 1024 * 1024);
  p.net.connect_error_mode = static_cast<int>(r.uniform(0, 2));

  const bool net_faults = r.chance(0.7);
  const bool proc_faults = r.chance(0.6);
  const bool clock_faults = r.chance(0.5);
  const bool disk_faults = r.chance(0.3);

  double clog = r.real01() * 1.0, part = r.real01() * 0.3, reset = r.real01() * 1.0;
  p.clog_mean = r.uniform(rt::Duration(rt::milliseconds(100)), rt::Duration(rt::seconds(5)));
  p.swizzle = r.chance(0.3);
  p.partition_min = r.uniform(rt::Duration(rt::seconds(1)), rt::Duration(rt::seconds(5)));
  p.partition_max = p.partition_min + r.uniform(rt::Duration(0), rt::Duration(rt::seconds(10)));
  p.partition_symmetric = r.chance(0.5) ? 1.0 : 0.5;
  if (net_faults) {
    p.clog_per_s = clog;
    p.partition_per_s = part;
    p.reset_per_s = reset;
  }
  double crash = r.real01() * 0.3, pause = r.real01() * 0.2;
  p.down_min = r.uniform(rt::Duration(rt::milliseconds(100)), rt::Duration(rt::seconds(2)));
  p.down_max = p.down_min + r.uniform(rt::Duration(0), rt::Duration(rt::seconds(5)));
  p.pause_min = r.uniform(rt::Duration(rt::milliseconds(100)), rt::Duration(rt::seconds(1)));
  p.pause_max = p.pause_min + r.uniform(rt::Duration(0), rt::Duration(rt::seconds(5)));
  if (proc_faults) {
    p.crash_per_s = crash;
    p.pause_per_s = pause;
  }
  int64_t skew = r.uniform_i64(0, 5000), drift = r.uniform_i64(0, 100);
  if (clock_faults) {
    p.skew_offset_max_ms = skew;
    p.drift_ppm_max = drift;
  }
  double werr = r.real01() * 0.01, serr = r.real01() * 0.01;
  if (disk_faults) {
    p.disk.write_error_chance = werr;
    p.disk.sync_error_chance = serr;
  }
  // Classes added later draw after the others, so the older knobs keep their values for a seed.
  const bool host_faults = r.chance(0.4);
  const bool clock_steps = r.chance(0.4);
  const bool file_faults = r.chance(0.3);
  double host_crash = r.real01() * 0.3, step = r.real01() * 0.5;
  int64_t step_max = r.uniform_i64(1000, 60'000);
  double bad = r.real01() * 0.5, corrupt = r.real01() * 0.5, rerr = r.real01() * 0.01;
  if (host_faults) {
    p.host_crash_per_s = host_crash;
  }
  if (clock_steps) {
    p.clock_step_per_s = step;
    p.clock_step_max_ms = step_max;
  }
  if (file_faults) {
    p.bad_region_per_s = bad;
    p.corrupt_per_s = corrupt;
    p.disk.read_error_chance = rerr;
  }
  return p;
}

std::string FaultPlan::describe() const {
  std::string s;
  auto kv = [&s](const std::string& k, const std::string& v) { s += "  " + k + " = " + v + "\n"; };
  kv("chaos", ms(chaos));
  kv("converge_limit", ms(converge));
  kv("shuffle_ties", shuffle_ties ? "on" : "off");
  kv("buggify", buggify ? "on" : "off");
  kv("net.latency", ms(net.latency_min) + ".." + ms(net.latency_max));
  kv("net.tail", num(net.tail_chance) + " up to " + ms(net.tail_max));
  kv("net.pair_extra_max", ms(net.pair_extra_max));
  kv("net.max_segment", std::to_string(net.max_segment));
  kv("net.send_buffer", std::to_string(net.send_buffer_min) + ".." + std::to_string(net.send_buffer_max));
  kv("net.connect_error_mode", std::to_string(net.connect_error_mode));
  kv("clog", num(clog_per_s) + "/s, mean " + ms(clog_mean) + (swizzle ? ", swizzle" : ""));
  kv("partition", num(partition_per_s) + "/s, " + ms(partition_min) + ".." + ms(partition_max) +
                      ", symmetric " + num(partition_symmetric));
  kv("reset", num(reset_per_s) + "/s");
  kv("crash", num(crash_per_s) + "/s (kill -9, page cache kept), down " + ms(down_min) + ".." + ms(down_max));
  kv("host_crash", num(host_crash_per_s) + "/s (power loss: half-open connections, unsynced writes lost)");
  kv("pause", num(pause_per_s) + "/s, " + ms(pause_min) + ".." + ms(pause_max));
  kv("clock", "offset +-" + std::to_string(skew_offset_max_ms) + "ms, drift +-" +
                  std::to_string(drift_ppm_max) + "ppm");
  kv("clock_step", num(clock_step_per_s) + "/s, +-1s.." + std::to_string(clock_step_max_ms) + "ms");
  kv("disk", "write_err " + num(disk.write_error_chance) + ", sync_err " + num(disk.sync_error_chance) +
                 " (drops the dirty writes), read_err " + num(disk.read_error_chance));
  kv("disk_regions", "bad " + num(bad_region_per_s) + "/s, corrupt " + num(corrupt_per_s) + "/s");
  return s;
}

}  // namespace codis::sim
