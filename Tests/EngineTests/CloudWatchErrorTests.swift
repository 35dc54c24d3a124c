import Testing
@testable import Engine

@Suite struct CloudWatchErrorTests {
    @Test func readsJSONErrorsAndClassifiesThrottlingAsRetryable() {
        let response = HTTPResponse(status: 400, headers: [HTTPHeader("x-amzn-ErrorType", "ThrottlingException:http://internal")],
                                    body: Array(#"{"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"}"#.utf8))
        let error = CloudWatchError.from(response: response, operation: "FilterLogEvents", logGroup: "/a")
        #expect(error.code == "ThrottlingException")
        #expect(error.message == "Rate exceeded")
        #expect(error.isRetryable)
    }

    @Test func missingGroupIsPermanentAndNamesTheGroupAndTheFix() {
        let response = HTTPResponse(status: 400, body: Array(#"{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}"#.utf8))
        let error = CloudWatchError.from(response: response, operation: "FilterLogEvents", logGroup: "/aws/lambda/gone")
        #expect(!error.isRetryable)
        #expect(error.description.contains("/aws/lambda/gone"))
        #expect(error.description.contains("AWS_REGION"))
    }

    @Test func readsXMLAuthenticationFailures() {
        let xml = "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error></Errors></ErrorResponse>"
        let error = CloudWatchError.from(response: HTTPResponse(status: 403, body: Array(xml.utf8)), operation: "FilterLogEvents", logGroup: nil)
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(!error.isRetryable)
        #expect(error.description.contains("AWS_SECRET_ACCESS_KEY"))
    }

    @Test func serverErrorsAreRetryable() {
        let error = CloudWatchError.from(response: HTTPResponse(status: 503, body: Array("<html>busy</html>".utf8)), operation: "FilterLogEvents", logGroup: nil)
        #expect(error.isRetryable)
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = AWSCredentials(accessKeyId: "AKIAEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG", sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN", origin: "the environment")
        #expect(!"\(credentials)".contains("wJalrXUtnFEMI"))
        #expect(!"\(credentials)".contains("FwoGZXIvYXdz"))
    }

    @Test func redactsURLCredentials() {
        #expect(redactedURL("https://elastic:s3cret@es.example.com:9200/x") == "https://***@es.example.com:9200/x")
        #expect(redactedURL("http://127.0.0.1:9200") == "http://127.0.0.1:9200")
    }
}
