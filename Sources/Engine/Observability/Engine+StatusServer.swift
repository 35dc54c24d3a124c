extension Engine {
    /// With METRICS_ADDR: the HTTP endpoint, listening, and what it serves (which the
    /// daemon's reporter keeps current). A daemon that stops publishing for a minute is
    /// reported neither healthy nor ready.
    func startStatusServer() throws -> (server: StatusServer, served: ServedStatus)? {
        guard let address = settings.metricsAddress else { return nil }
        let served = ServedStatus(staleAfterSeconds: 60)
        let server = try StatusServer.start(address, status: served)
        Log.info("status endpoint listening", ("address", server.address), ("paths", "/metrics /healthz /readyz"))
        return (server, served)
    }
}
