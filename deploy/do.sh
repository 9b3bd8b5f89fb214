# shellcheck shell=bash
# DigitalOcean pieces shared by 01-build-server (one droplet) and 01-build-cluster
# (droplets behind a load balancer): the operator's ssh key and the DNS records. Sourced
# after lib.sh, never run; PUBLIC_KEY_FILE is set by the caller.

# DNS record names inside the zone: "@" and "www" for an apex domain, "chat" and
# "www.chat" for chat.example.com in the zone example.com.
dns_record_names() {
  if [[ $DOMAIN == "$DNS_ZONE" ]]; then
    printf '@ www\n'
  elif [[ $DOMAIN == *".$DNS_ZONE" ]]; then
    local sub=${DOMAIN%".$DNS_ZONE"}
    printf '%s www.%s\n' "$sub" "$sub"
  else
    die "DOMAIN ($DOMAIN) is not inside DNS_ZONE ($DNS_ZONE)"
  fi
}

ensure_ssh_key() {
  local fingerprint key_id
  # DigitalOcean identifies keys by their MD5 fingerprint, without the "MD5:" prefix.
  fingerprint="$(ssh-keygen -l -E md5 -f "$PUBLIC_KEY_FILE" | awk '{ sub(/^MD5:/, "", $2); print $2 }')"
  key_id="$(do_read compute ssh-key list --format ID,Name,FingerPrint --no-header |
    awk -v fp="$fingerprint" '$NF == fp && !seen++ { print $1 }')"
  if [[ -n $key_id ]]; then
    log "ssh key already on DigitalOcean (id $key_id)"
  else
    log "importing $PUBLIC_KEY_FILE as ssh key $SSH_KEY_NAME"
    key_id="$(do_write "<ssh-key-id>" compute ssh-key import "$SSH_KEY_NAME" \
      --public-key-file "$PUBLIC_KEY_FILE" --format ID --no-header | awk 'NF && !seen++ { print $1 }')"
  fi
  SSH_KEY_ID=$key_id
  state_set SSH_KEY_ID "$SSH_KEY_ID"
}

ensure_dns_zone() {
  if do_read compute domain list --format Domain --no-header | grep -qxF "$DNS_ZONE"; then
    log "DNS zone $DNS_ZONE exists"
  else
    log "creating DNS zone $DNS_ZONE (point the registrar's name servers at DigitalOcean's)"
    do_write "" compute domain create "$DNS_ZONE" --format Domain --no-header >/dev/null
  fi
  state_set DNS_ZONE "$DNS_ZONE"
}

# ensure_dns_records IP update|keep: A records for DOMAIN and www.DOMAIN pointing at IP.
# Missing ones are created; one pointing elsewhere is moved with "update", and left
# (with a warning) with "keep": moving the name is the cut-over of a migration, which
# the operator chooses the moment of. DNS_POINTS_ELSEWHERE=1 tells the caller.
# shellcheck disable=SC2034 # read by 01-build-cluster
DNS_POINTS_ELSEWHERE=0
ensure_dns_records() {
  local ip=$1 mode=$2 records names name line record_id data ids=()
  names="$(dns_record_names)"
  records="$(do_read compute domain records list "$DNS_ZONE" --format ID,Type,Name,Data --no-header)"
  for name in $names; do
    line="$(awk -v name="$name" '$2 == "A" && $3 == name && !seen++ { print $1, $4 }' <<<"$records")"
    record_id=${line%% *}
    data=${line#* }
    if [[ -z $line ]]; then
      log "creating DNS record $name.$DNS_ZONE A $ip"
      record_id="$(do_write "<record-id>" compute domain records create "$DNS_ZONE" \
        --record-type A --record-name "$name" --record-data "$ip" --record-ttl "$DNS_TTL" \
        --format ID --no-header | awk 'NF && !seen++ { print $1 }')"
    elif [[ $data == "$ip" ]]; then
      log "DNS record $name.$DNS_ZONE already points at $ip"
    elif [[ $mode == update ]]; then
      log "updating DNS record $name.$DNS_ZONE A $data -> $ip"
      do_write "" compute domain records update "$DNS_ZONE" --record-id "$record_id" \
        --record-type A --record-name "$name" --record-data "$ip" --record-ttl "$DNS_TTL" \
        --format ID --no-header >/dev/null
    else
      warn "DNS record $name.$DNS_ZONE still points at $data, not $ip: left as it is"
      # shellcheck disable=SC2034
      DNS_POINTS_ELSEWHERE=1
    fi
    ids+=("$record_id")
  done
  state_set DNS_RECORD_IDS "$(IFS=,; printf '%s' "${ids[*]}")"
}
