-- 0002: what the workers sharing this database coordinate through, beside
-- the source leases: per-host limits across processes, and the claim on an
-- article being built. Rows with an expiry, so a holder that dies loses
-- what it held. UNLOGGED: nothing here needs to survive a crash of the
-- server (after one, every slot and claim is free, as it should be).

-- One row per host: when its next request may start.
CREATE UNLOGGED TABLE host_gates (
    host       text COLLATE "C" PRIMARY KEY,
    next_start timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00'
);

-- A request in flight to a host.
CREATE UNLOGGED TABLE host_slots (
    host    text COLLATE "C" NOT NULL,
    holder  text COLLATE "C" NOT NULL,
    expires timestamptz NOT NULL,
    PRIMARY KEY (host, holder)
);

-- An article being built, by its entry key.
CREATE UNLOGGED TABLE article_claims (
    key     text COLLATE "C" PRIMARY KEY,
    holder  text COLLATE "C" NOT NULL,
    expires timestamptz NOT NULL
);
