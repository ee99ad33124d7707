// The peers' configuration files: bound to 127.0.0.1 on the given port, tuned to measure the daemon
// rather than its throttles, and reading nothing from the system's own configuration.

/** ngircd(8) for `ngircd -n -f FILE`; option names as in ngircd.conf(5) of ngIRCd 26. */
export function ngircdConfig(port: number, emptyDir: string): string {
  return `[Global]
Name = bench.invalid
Info = benchmark peer
AdminInfo1 = benchmark
AdminInfo2 = benchmark
AdminEMail = bench@bench.invalid
Listen = 127.0.0.1
Ports = ${port}
MotdPhrase = benchmark

[Limits]
# 0: no limit on connections, in total or from one address
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 31
# 0 turns the flood penalties off altogether
MaxPenaltyTime = 0
# no PING rounds during a run
PingTimeout = 3600
PongTimeout = 600

[Options]
# no lookups while clients log in
DNS = no
Ident = no
PAM = no
# not the system's conf.d
IncludeDir = ${emptyDir}
`;
}

/** mosquitto.conf(5) of mosquitto 2: QoS 0 between clients of one listener, nothing kept on disk. */
export function mosquittoConfig(port: number): string {
  return `listener ${port} 127.0.0.1
allow_anonymous true
max_connections -1
persistence false
sys_interval 0
# as this server and the load generator do (ngircd has no such option): no Nagle delay on small messages
set_tcp_nodelay true
log_dest stderr
log_type error
log_type warning
`;
}
