"""`GET /system/error-messages/{errorMessageId}`: the numbered errors of contract §8."""

from rambase.errors import CATALOGUE, not_found
from rambase.formats import Document
from rambase.views_base import RamBaseView


class ErrorMessageView(RamBaseView):
    open_to_guests = True

    def get(self, request, error_id: str):
        known = CATALOGUE.get(int(error_id))
        if known is None:
            raise not_found(f"There is no error message {error_id}.")
        status, message = known
        link = self.link(f"/system/error-messages/{error_id}")
        return self.respond(
            Document(
                "ErrorMessage",
                {
                    "ErrorMessageId": int(error_id),
                    "HttpStatusCode": status,
                    "Message": message,
                    "ErrorMessageLink": link,
                },
            )
        )
