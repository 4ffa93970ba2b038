package org.pvrun.transport.openssh;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.pvrun.connect.Transports;
import org.pvrun.spec.Target;
import org.pvrun.transport.Transport;
import org.pvrun.transport.TransportContractIT;

/** The contract again with tar streams for many files: what {@code transport: openssh} does when a side lacks rsync. */
@Tag("integration")
class OpenSshTarTransportIT extends TransportContractIT {

    @Override
    protected Transport open(Target target, boolean acceptNewHostKey, Map<String, String> env) {
        return new OpenSshTransport(Transports.openSshOptions(target, acceptNewHostKey, env)
                .withTreeMethod(OpenSshOptions.TreeMethod.TAR));
    }

    @Override
    protected String transportName() {
        return "openssh";
    }
}
