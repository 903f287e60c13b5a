package minimal;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** The one endpoint of the start-up floor. */
@Path("/hello")
public class HelloResource {

    @GET
    public String hello() {
        return "hello";
    }
}
