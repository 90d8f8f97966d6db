#!/usr/bin/env bash
# A second Docker engine on this machine for the remote-engine tests: a dockerd that shares nothing with
# the first but the kernel (its own data root, exec root, pid file, socket and bridge) and listens on
# tcp://127.0.0.1:<port> with TLS, certificates made here with openssl. Needs root, dockerd, openssl, ip.
#
#   second_engine.sh start DIR          starts it in DIR (new or empty) and prints the variables to export
#   second_engine.sh load DIR IMAGE...  copies images from the first engine (docker save | docker load)
#   second_engine.sh stop DIR           stops it and removes DIR, its bridge and its mounts
#
# DIR should be short (under /tmp): the engine puts sockets under it and socket paths are limited to 108 bytes.
set -euo pipefail

die() {
  echo "second engine: $*" >&2
  exit 1
}

make_certs() {
  local certs=$1
  mkdir -p "$certs/client"
  (
    cd "$certs"
    key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
    key ca-key.pem
    openssl req -new -x509 -days 2 -key ca-key.pem -subj "/CN=devvy test engine CA" -out ca.pem 2>/dev/null
    # Server: valid for 127.0.0.1 only, so a client checking names has something to check.
    key server-key.pem
    openssl req -new -key server-key.pem -subj "/CN=127.0.0.1" -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -days 2 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    # Client: what DOCKER_CERT_PATH names, in Docker's layout (ca.pem, cert.pem, key.pem).
    key client/key.pem
    openssl req -new -key client/key.pem -subj "/CN=devvy test client" -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -days 2 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile client.ext -out client/cert.pem 2>/dev/null
    cp ca.pem client/ca.pem
    chmod 600 ca-key.pem server-key.pem client/key.pem
  )
}

free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 20000))
    if ! ss -Htln "sport = :$port" | grep -q .; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

# A /24 no route on this host uses yet, for the engine's bridge (docker0 keeps its own).
free_subnet() {
  local third
  for _ in $(seq 50); do
    third=$((RANDOM % 250 + 1))
    if ! ip -4 route | grep -q "^10\.213\.$third\."; then
      echo "10.213.$third"
      return
    fi
  done
  die "no free 10.213.x.0/24 found"
}

engine_env() {
  local dir=$1
  echo "DOCKER_HOST=tcp://127.0.0.1:$(cat "$dir/port") DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$dir/certs/client"
}

start() {
  local dir=$1
  [ "$(id -u)" = 0 ] || die "starting a dockerd needs root"
  for tool in dockerd openssl ip ss; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  make_certs "$dir/certs"
  local port subnet bridge
  port=$(free_port)
  subnet=$(free_subnet)
  bridge="dvbr$(printf '%04x' $((RANDOM % 65536)))"
  echo "$port" >"$dir/port"
  echo "$bridge" >"$dir/bridge"
  # Never --bridge=none: a daemon started with it deletes docker0 and breaks the first engine.
  ip link add name "$bridge" type bridge
  ip addr add "$subnet.1/24" dev "$bridge"
  ip link set "$bridge" up
  nohup dockerd \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
    -H "unix://$dir/docker.sock" -H "tcp://127.0.0.1:$port" \
    --tlsverify --tlscacert "$dir/certs/ca.pem" \
    --tlscert "$dir/certs/server-cert.pem" --tlskey "$dir/certs/server-key.pem" \
    --iptables=false --ip-masq=false --bridge="$bridge" \
    >"$dir/dockerd.log" 2>&1 &
  echo $! >"$dir/dockerd.started"
  for _ in $(seq 60); do
    if env $(engine_env "$dir") docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
      echo "export DEVVY_TEST_TLS_DOCKER_HOST=tcp://127.0.0.1:$port"
      echo "export DEVVY_TEST_TLS_CERT_PATH=$dir/certs/client"
      return
    fi
    kill -0 "$(cat "$dir/dockerd.started")" 2>/dev/null || break
    sleep 1
  done
  tail -n 30 "$dir/dockerd.log" >&2
  die "dockerd did not answer on tcp://127.0.0.1:$port"
}

load() {
  local dir=$1
  shift
  [ $# -gt 0 ] || return 0
  docker save "$@" | env $(engine_env "$dir") docker load -q >/dev/null
}

stop() {
  local dir=$1 pid=""
  [ -d "$dir" ] || return 0
  [ -f "$dir/dockerd.started" ] && pid=$(cat "$dir/dockerd.started")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    # dockerd stops its containers first (up to 10 s each, in parallel).
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # Its own containerd, should it outlive the daemon that started it.
  if [ -f "$dir/exec/containerd/containerd.pid" ]; then
    kill -9 "$(cat "$dir/exec/containerd/containerd.pid")" 2>/dev/null || true
  fi
  umount "$dir/exec/netns/default" 2>/dev/null || true
  local mounts
  mounts=$(grep -o " $dir/[^ ]*" /proc/mounts | sort -r || true)
  for mount in $mounts; do umount -l "$mount" 2>/dev/null || true; done
  [ -f "$dir/bridge" ] && ip link delete "$(cat "$dir/bridge")" 2>/dev/null || true
  rm -rf "$dir"
}

case "${1:-}" in
start) start "${2:?DIR}" ;;
load) load "${2:?DIR}" "${@:3}" ;;
stop) stop "${2:?DIR}" ;;
*) die "usage: $0 start|load|stop DIR [IMAGE...]" ;;
esac
