-- docker-compose only: the registry's own role and database (the embedded stack creates the same
-- in stack/postgres.ts). Dev-only credentials.
CREATE ROLE apicurio_registry LOGIN PASSWORD 'apicurio-registry-dev';
CREATE DATABASE apicurio_registry OWNER apicurio_registry;
